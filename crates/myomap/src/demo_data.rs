//! The demo clinic's sample clients: two dozen written cases that look like a
//! real NMT caseload, then generated clients for load tests.

use myomap_domain::ClientFields;

struct Case {
    given: &'static str,
    family: &'static str,
    born: &'static str,
    phone: &'static str,
    notes: &'static str,
}

const CASES: &[Case] = &[
    Case {
        given: "Maya",
        family: "Okafor",
        born: "1988-03-14",
        phone: "+44 7700 900101",
        notes: "Software developer, 9 h/day at a laptop. Right-sided neck pain spreading to the temple, worse by late afternoon. Forward head posture.",
    },
    Case {
        given: "Tom",
        family: "Lindqvist",
        born: "1975-11-02",
        phone: "+44 7700 900102",
        notes: "Warehouse supervisor. Chronic low back pain for 2 years, aching across the belt line and into the right buttock after lifting.",
    },
    Case {
        given: "Priya",
        family: "Raman",
        born: "1992-07-21",
        phone: "+44 7700 900103",
        notes: "Jaw clicking and morning jaw ache, clenches at night (dentist fitted a splint). Headaches at both temples.",
    },
    Case {
        given: "Daniel",
        family: "Moreau",
        born: "1969-01-30",
        phone: "+44 7700 900104",
        notes: "Carpenter. Numbness and tingling in right thumb, index and middle fingers at night; nerve conduction study pending with GP.",
    },
    Case {
        given: "Hannah",
        family: "Schultz",
        born: "1983-09-09",
        phone: "+44 7700 900105",
        notes: "Diagnosed with fibromyalgia (rheumatology, 2021). Widespread aching, poor sleep. Tolerates light pressure only; keep sessions short.",
    },
    Case {
        given: "Luis",
        family: "Ortega",
        born: "1996-05-17",
        phone: "+44 7700 900106",
        notes: "Amateur footballer. Left hamstring strain 6 weeks ago, cleared by physio for soft-tissue work. Wants to return to play.",
    },
    Case {
        given: "Aisha",
        family: "Bello",
        born: "1979-12-03",
        phone: "+44 7700 900107",
        notes: "Hairdresser, repetitive overhead work. Right shoulder ache at the front and outer side, painful reaching behind the back.",
    },
    Case {
        given: "Grace",
        family: "Whitfield",
        born: "1958-04-26",
        phone: "+44 7700 900108",
        notes: "Retired teacher. Sciatica-like pain down the back of the left thigh when sitting; lumbar MRI (2024) showed no nerve root compression.",
    },
    Case {
        given: "Oliver",
        family: "Nakamura",
        born: "1990-08-11",
        phone: "+44 7700 900109",
        notes: "Violinist. Left-sided neck and shoulder-blade tension, tingling in the left little finger after long rehearsals.",
    },
    Case {
        given: "Sofia",
        family: "Costa",
        born: "1986-02-19",
        phone: "+44 7700 900110",
        notes: "Marathon runner. Heel pain on first steps in the morning (plantar side), worse after long runs.",
    },
    Case {
        given: "James",
        family: "O'Connor",
        born: "1972-06-05",
        phone: "+44 7700 900111",
        notes: "Lorry driver. Mid-back ache between the shoulder blades and a stiff neck after long shifts.",
    },
    Case {
        given: "Elena",
        family: "Petrova",
        born: "1994-10-28",
        phone: "+44 7700 900112",
        notes: "Postgraduate student. Tension headaches at the back of the head and behind the eyes during exam periods.",
    },
    Case {
        given: "Kwame",
        family: "Asante",
        born: "1981-01-15",
        phone: "+44 7700 900113",
        notes: "Tennis coach. Outer elbow pain on the right, gripping the racket aggravates it. Tennis elbow diagnosed by GP.",
    },
    Case {
        given: "Chloe",
        family: "Dubois",
        born: "1999-03-07",
        phone: "+44 7700 900114",
        notes: "Dancer. Left hip ache on the outside, worse lying on that side. Prevention-minded, comes monthly.",
    },
    Case {
        given: "Robert",
        family: "Hughes",
        born: "1963-07-22",
        phone: "+44 7700 900115",
        notes: "On warfarin for atrial fibrillation (GP letter on file): no deep pressure; gentle work only.",
    },
    Case {
        given: "Mei",
        family: "Chen",
        born: "1977-05-30",
        phone: "+44 7700 900116",
        notes: "Accountant. Right shoulder and upper arm ache after long spreadsheet days; mouse on the right.",
    },
    Case {
        given: "Lucas",
        family: "Fernandes",
        born: "1985-11-12",
        phone: "+44 7700 900117",
        notes: "Builder. Knee pain at the front of the right knee when climbing ladders; no swelling.",
    },
    Case {
        given: "Amelia",
        family: "Kowalski",
        born: "1991-09-18",
        phone: "+44 7700 900118",
        notes: "Recovering from a left ankle sprain (8 weeks). Calf tightness and ache on the outer lower leg.",
    },
    Case {
        given: "Noah",
        family: "Abdi",
        born: "2001-12-24",
        phone: "+44 7700 900119",
        notes: "Rower. Low back and buttock ache after ergometer sessions, left more than right.",
    },
    Case {
        given: "Isabel",
        family: "García",
        born: "1968-08-08",
        phone: "+44 7700 900120",
        notes: "Menopausal, osteopenia on DEXA (2023). Neck and upper back stiffness. Moderate pressure agreed with her GP.",
    },
    Case {
        given: "Ethan",
        family: "Brooks",
        born: "1987-04-04",
        phone: "+44 7700 900121",
        notes: "Chef, long hours standing. Aching arches and calves by the end of the shift.",
    },
    Case {
        given: "Fatima",
        family: "Haddad",
        born: "1993-06-13",
        phone: "+44 7700 900122",
        notes: "Graphic designer. Forearm and wrist ache on the right, pain on the back of the hand after drawing-tablet work.",
    },
    Case {
        given: "George",
        family: "Papadopoulos",
        born: "1955-02-02",
        phone: "+44 7700 900123",
        notes: "Keen gardener. Low back pain after bending; pain wraps to the outer hip. Hip replacement on the right (2019).",
    },
    Case {
        given: "Zara",
        family: "Ahmed",
        born: "1997-10-01",
        phone: "+44 7700 900124",
        notes: "Call-centre worker with a headset. Left-sided neck pain spreading behind the ear and to the jaw.",
    },
];

const GIVEN: &[&str] = &[
    "Adam", "Beatrice", "Carlos", "Dina", "Emil", "Farah", "Gustav", "Helena", "Ivan", "Julia", "Kenji", "Lena",
    "Marco", "Nadia", "Oscar", "Paula", "Quentin", "Rosa", "Samir", "Tara", "Umar", "Vera", "Walter", "Xenia", "Yusuf",
    "Zoe",
];
const FAMILY: &[&str] = &[
    "Andersen",
    "Baptiste",
    "Carvalho",
    "Dimitrov",
    "Eriksen",
    "Fischer",
    "Gallagher",
    "Horvath",
    "Ibrahim",
    "Jensen",
    "Kaur",
    "Lopez",
    "Murphy",
    "Novak",
    "Olsen",
    "Popescu",
    "Quinn",
    "Rossi",
    "Santos",
    "Tanaka",
    "Ueda",
    "Varga",
    "Walsh",
    "Yilmaz",
    "Zielinski",
];
const COMPLAINTS: &[&str] = &[
    "Desk worker with neck and shoulder tension.",
    "Recurring low back ache after sport.",
    "Headaches at the temples, clenches the jaw.",
    "Forearm and wrist ache from repetitive work.",
    "Calf and heel pain from running.",
    "Hip and buttock ache when sitting long.",
];

/// The `n`th demo client (0-based): the written cases first, then generated ones.
pub fn client(n: usize) -> ClientFields {
    if let Some(case) = CASES.get(n) {
        return ClientFields {
            given_name: case.given.into(),
            family_name: case.family.into(),
            date_of_birth: case.born.into(),
            email: format!("{}.{}@example.org", case.given, case.family.replace('\'', "")).to_lowercase(),
            phone: case.phone.into(),
            notes: case.notes.into(),
        };
    }
    let given = GIVEN[n % GIVEN.len()];
    let family = FAMILY[(n / GIVEN.len()) % FAMILY.len()];
    let year = 1950 + (n * 7) % 55;
    let month = 1 + (n * 5) % 12;
    let day = 1 + (n * 11) % 28;
    ClientFields {
        given_name: given.into(),
        family_name: family.into(),
        date_of_birth: format!("{year:04}-{month:02}-{day:02}"),
        email: format!("{}.{}.{n}@example.org", given, family).to_lowercase(),
        phone: format!("+44 7700 {:06}", 100_000 + n),
        notes: COMPLAINTS[n % COMPLAINTS.len()].into(),
    }
}
