use std::io::Read;
use std::process::ExitCode;

use super::bad_input;

pub fn run(instrument: &str, json: bool) -> anyhow::Result<ExitCode> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let input: serde_json::Value = match serde_json::from_str(&text) {
        Ok(input) => input,
        Err(e) => return Ok(bad_input(format!("input: not a JSON object: {e}"))),
    };
    match myomap_scoring::score_json(instrument, &input) {
        Ok(result) if json => println!("{result}"),
        Ok(result) => {
            if let Some(fields) = result.as_object() {
                for (key, value) in fields {
                    println!("{key}: {value}");
                }
            }
        }
        Err(e) => return Ok(bad_input(e)),
    }
    Ok(ExitCode::SUCCESS)
}
