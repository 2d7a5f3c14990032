//! A client's own record in one ZIP (right of access, portability): the
//! FHIR R4 bundle, the PDF progress report and the posture photos. Every
//! part comes through the audited reads that serve it elsewhere (the FHIR
//! export's and the report's whole-record reads, each photo's read), so the
//! export leaves the same trail. One use case for the client page and
//! `myomap export record`.

use std::io::{Cursor, Write};

use myomap_domain::ClientId;
use myomap_store::{Actor, Store};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::{ClinicError, Clock};

/// The archive's entries: `fhir-bundle.json`, `progress-report.pdf`,
/// `photos/<assessment id>/<view>-<photo id>.<ext>`.
pub const BUNDLE_ENTRY: &str = "fhir-bundle.json";
pub const REPORT_ENTRY: &str = "progress-report.pdf";

/// The ZIP's bytes and a file name for it (the client's family name, no
/// more). Clinical roles only (the FHIR export refuses the others).
pub async fn record_zip(
    store: &Store,
    actor: &Actor,
    clock: &dyn Clock,
    client: ClientId,
) -> Result<(String, Vec<u8>), ClinicError> {
    let bundle = crate::fhir::client_bundle(store, actor, clock, client).await?;
    let report = crate::report::progress_report(store, actor, clock, client).await?;
    let scope = store.clinic(actor);
    let mut photos = Vec::new();
    for assessment in scope.assessments_for(client).await? {
        for photo in scope.photos(&assessment.id).await? {
            let (meta, image) = scope.photo_image(&photo.id).await?;
            let ext = match meta.content_type.as_str() {
                "image/png" => "png",
                "image/jpeg" => "jpg",
                "image/webp" => "webp",
                _ => "bin",
            };
            photos.push((
                format!("photos/{}/{}-{}.{ext}", assessment.id, meta.view, meta.id),
                image,
            ));
        }
    }
    let json = serde_json::to_vec_pretty(&bundle).map_err(|e| ClinicError::Internal(e.to_string()))?;
    let zip =
        write_zip(&json, &report.pdf, &photos).map_err(|e| ClinicError::Internal(format!("writing the ZIP: {e}")))?;
    let name = report
        .data
        .client
        .family_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    Ok((format!("record-{name}.zip"), zip))
}

fn write_zip(bundle: &[u8], pdf: &[u8], photos: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    // Images and PDFs are compressed already.
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    zip.start_file(BUNDLE_ENTRY, deflated)?;
    zip.write_all(bundle)?;
    zip.start_file(REPORT_ENTRY, stored)?;
    zip.write_all(pdf)?;
    for (name, image) in photos {
        zip.start_file(name.as_str(), stored)?;
        zip.write_all(image)?;
    }
    Ok(zip.finish()?.into_inner())
}
