//! What an uploaded file is (by its magic bytes, never the declared type), whether it decodes,
//! and the same file without metadata: EXIF (with GPS), XMP, comments, maker notes and embedded
//! secondary pictures are dropped; pixels are not re-encoded. Only the EXIF orientation is kept
//! (in a minimal EXIF block), so a photo taken upright still shows upright.
use std::io::Cursor;

use bytes::Bytes;
use image::{ImageDecoder, ImageFormat, ImageReader, Limits};
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::{ImageEXIF, ImageICC};

use entity::media::MediaPurpose;

/// Largest width or height accepted (a 48-megapixel phone photo is 8000 × 6000).
pub const MAX_SIDE: u32 = 12_000;
/// Most memory one decode may take.
const MAX_DECODE_BYTES: u64 = 400 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Pdf,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Jpeg, Kind::Png, Kind::Pdf];

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Pdf => "application/pdf",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a JPEG, PNG or (where allowed) PDF.
    Unsupported,
    /// Looks like an image but does not decode.
    Corrupt,
    /// Decodes, but is wider or taller than [`MAX_SIDE`] (or needs too much memory).
    TooLarge,
}

/// The type of `bytes` from its magic bytes.
pub fn detect(bytes: &[u8]) -> Option<Kind> {
    match infer::get(bytes)?.mime_type() {
        "image/jpeg" => Some(Kind::Jpeg),
        "image/png" => Some(Kind::Png),
        "application/pdf" => Some(Kind::Pdf),
        _ => None,
    }
}

/// Check an upload and return what to store. CPU-bound (decodes the image): call it off the
/// async workers.
pub fn sanitize(bytes: Bytes, pdf_allowed: bool) -> Result<(Kind, Bytes), Refusal> {
    let kind = detect(&bytes).ok_or(Refusal::Unsupported)?;
    match kind {
        Kind::Pdf if pdf_allowed => Ok((kind, bytes)),
        Kind::Pdf => Err(Refusal::Unsupported),
        Kind::Jpeg | Kind::Png => {
            let orientation = decode(&bytes, kind)?;
            let clean = match kind {
                Kind::Jpeg => strip_jpeg(bytes, orientation)?,
                _ => strip_png(bytes, orientation)?,
            };
            Ok((kind, clean))
        }
    }
}

/// Decode the whole picture (proving it is one) and return its EXIF orientation (1–8).
fn decode(bytes: &[u8], kind: Kind) -> Result<u8, Refusal> {
    let format = match kind {
        Kind::Jpeg => ImageFormat::Jpeg,
        _ => ImageFormat::Png,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let refusal = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => Refusal::TooLarge,
        _ => Refusal::Corrupt,
    };
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    let orientation = decoder.orientation().map(|o| o.to_exif()).unwrap_or(1);
    image::DynamicImage::from_decoder(decoder).map_err(refusal)?;
    Ok(orientation)
}

/// A minimal big-endian TIFF/EXIF block holding only the orientation tag.
pub fn orientation_exif(orientation: u8) -> Bytes {
    let mut v = Vec::with_capacity(26);
    v.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // byte order, magic, IFD0 at offset 8
    v.extend_from_slice(&[0, 1]); // one entry
    v.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0]); // Orientation, SHORT, 1
    v.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    Bytes::from(v)
}

fn strip_jpeg(bytes: Bytes, orientation: u8) -> Result<Bytes, Refusal> {
    let mut jpeg = Jpeg::from_bytes(bytes).map_err(|_| Refusal::Corrupt)?;
    let icc = jpeg.icc_profile();
    jpeg.segments_mut().retain(|s| match s.marker() {
        // JFIF header, Adobe colour transform (needed to decode CMYK): no personal data.
        markers::APP0 | markers::APP14 => true,
        // Every other application segment (EXIF, XMP, MPF, IPTC, maker data) and comments.
        m if (markers::APP1..=markers::APP15).contains(&m) || m == markers::COM => false,
        _ => true,
    });
    // The ICC colour profile (APP2) is kept: colours would shift without it.
    jpeg.set_icc_profile(icc);
    if orientation != 1 {
        jpeg.set_exif(Some(orientation_exif(orientation)));
    }
    let mut out = Vec::new();
    jpeg.encoder()
        .write_to(&mut out)
        .map_err(|_| Refusal::Corrupt)?;
    Ok(Bytes::from(clean_after_first_scan(&out)))
}

/// img-parts keeps everything from the first scan on as opaque data: later scans of a
/// progressive picture, and anything after the end-of-image marker (phones append secondary
/// pictures there, each with its own EXIF). Walk it: keep the scans and the tables between them,
/// drop application segments and comments, and end at the end-of-image marker.
pub fn clean_after_first_scan(jpeg: &[u8]) -> Vec<u8> {
    let Some(sos) = first_scan(jpeg) else {
        return jpeg.to_vec();
    };
    let mut out = jpeg[..sos].to_vec();
    let mut i = sos;
    while i < jpeg.len() {
        if jpeg[i] != 0xFF || i + 1 >= jpeg.len() {
            out.push(jpeg[i]);
            i += 1;
            continue;
        }
        let marker = jpeg[i + 1];
        match marker {
            // Stuffed byte, restart markers, fill bytes: part of the scan data.
            0x00 | markers::RST0..=markers::RST7 | 0xFF => {
                out.push(0xFF);
                i += 1;
            }
            markers::EOI => {
                out.extend_from_slice(&[0xFF, markers::EOI]);
                return out;
            }
            _ => {
                let Some(len) = jpeg
                    .get(i + 2..i + 4)
                    .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
                else {
                    out.extend_from_slice(&jpeg[i..]);
                    return out;
                };
                let end = (i + 2 + len).min(jpeg.len());
                let drop =
                    (markers::APP0..=markers::APP15).contains(&marker) || marker == markers::COM;
                if !drop {
                    out.extend_from_slice(&jpeg[i..end]);
                }
                i = end;
            }
        }
    }
    out
}

/// The offset of the first start-of-scan marker (the segments before it have lengths).
fn first_scan(jpeg: &[u8]) -> Option<usize> {
    let mut i = 2; // after SOI
    while i + 4 <= jpeg.len() {
        if jpeg[i] != 0xFF {
            return None;
        }
        let marker = jpeg[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if marker == markers::SOS {
            return Some(i);
        }
        i += 2 + len;
    }
    None
}

fn strip_png(bytes: Bytes, orientation: u8) -> Result<Bytes, Refusal> {
    let mut png = Png::from_bytes(bytes).map_err(|_| Refusal::Corrupt)?;
    // EXIF, text (where XMP and captions live) and the modification time.
    for kind in [*b"eXIf", *b"tEXt", *b"zTXt", *b"iTXt", *b"tIME"] {
        png.remove_chunks_by_type(kind);
    }
    if orientation != 1 {
        png.set_exif(Some(orientation_exif(orientation)));
    }
    let mut out = Vec::new();
    png.encoder()
        .write_to(&mut out)
        .map_err(|_| Refusal::Corrupt)?;
    Ok(Bytes::from(out))
}

/// Purposes whose uploads may be PDFs (documents); all others take JPEG and PNG only.
pub fn accepts_pdf(purpose: MediaPurpose) -> bool {
    matches!(
        purpose,
        MediaPurpose::LoanDocument
            | MediaPurpose::PioneerNomination
            | MediaPurpose::Recognition
            | MediaPurpose::KpiEvidence
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_may_be_pdfs_and_photos_may_not() {
        assert!(accepts_pdf(MediaPurpose::LoanDocument));
        assert!(accepts_pdf(MediaPurpose::KpiEvidence));
        assert!(!accepts_pdf(MediaPurpose::VolunteerReport));
        assert!(!accepts_pdf(MediaPurpose::HopeRoom));
        assert!(!accepts_pdf(MediaPurpose::MentoringRecord));
    }

    fn tiny(format: ImageFormat) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 30, 30]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    /// A JPEG with an EXIF block saying "GPS" and an XMP packet, as phones write them.
    fn jpeg_with_metadata() -> Bytes {
        let mut jpeg = Jpeg::from_bytes(Bytes::from(tiny(ImageFormat::Jpeg))).unwrap();
        jpeg.set_exif(Some(Bytes::from_static(
            b"MM\0\x2a\0\0\0\x08GPSLatitude 43.88N",
        )));
        let xmp = img_parts::jpeg::JpegSegment::new_with_contents(
            markers::APP1,
            Bytes::from_static(
                b"http://ns.adobe.com/xap/1.0/\0<exif:GPSLongitude>125.3</exif:GPSLongitude>",
            ),
        );
        jpeg.segments_mut().insert(1, xmp);
        let mut out = Vec::new();
        jpeg.encoder().write_to(&mut out).unwrap();
        // A secondary picture after the end of the image, with its own EXIF.
        out.extend_from_slice(b"\xFF\xD8\xFF\xE1\x00\x10Exif\0\0GPS-2nd");
        Bytes::from(out)
    }

    #[test]
    fn types_come_from_the_magic_bytes() {
        assert_eq!(detect(&tiny(ImageFormat::Jpeg)), Some(Kind::Jpeg));
        assert_eq!(detect(&tiny(ImageFormat::Png)), Some(Kind::Png));
        assert_eq!(detect(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), Some(Kind::Pdf));
        assert_eq!(detect(b"GIF89a\x01\x00\x01\x00"), None);
        assert_eq!(detect(b"plain text pretending to be a photo"), None);
    }

    #[test]
    fn pdfs_pass_only_where_allowed() {
        let pdf = Bytes::from_static(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n");
        assert_eq!(sanitize(pdf.clone(), true).unwrap().0, Kind::Pdf);
        assert_eq!(sanitize(pdf, false), Err(Refusal::Unsupported));
    }

    #[test]
    fn a_truncated_image_is_corrupt() {
        let jpeg = tiny(ImageFormat::Jpeg);
        let cut = Bytes::copy_from_slice(&jpeg[..jpeg.len() / 2]);
        assert_eq!(sanitize(cut, false), Err(Refusal::Corrupt));
        let png = tiny(ImageFormat::Png);
        let cut = Bytes::copy_from_slice(&png[..40]);
        assert_eq!(sanitize(cut, false), Err(Refusal::Corrupt));
    }

    #[test]
    fn exif_xmp_and_trailing_pictures_are_removed_and_the_pixels_kept() {
        let (kind, clean) = sanitize(jpeg_with_metadata(), false).unwrap();
        assert_eq!(kind, Kind::Jpeg);
        let text = String::from_utf8_lossy(&clean);
        assert!(!text.contains("GPS"), "no GPS left");
        assert!(!text.contains("Exif"), "no EXIF left");
        assert!(
            clean.ends_with(&[0xFF, 0xD9]),
            "ends at the end of the image"
        );
        let img = image::load_from_memory(&clean).unwrap();
        assert_eq!((img.width(), img.height()), (4, 3));
    }

    #[test]
    fn the_orientation_survives_alone() {
        let mut jpeg = Jpeg::from_bytes(Bytes::from(tiny(ImageFormat::Jpeg))).unwrap();
        let mut exif = orientation_exif(6).to_vec();
        exif.extend_from_slice(b"GPS"); // trailing data after the IFD, as GPS IFDs would be
        jpeg.set_exif(Some(Bytes::from(exif)));
        let mut out = Vec::new();
        jpeg.encoder().write_to(&mut out).unwrap();
        let (_, clean) = sanitize(Bytes::from(out), false).unwrap();
        let kept = Jpeg::from_bytes(clean).unwrap().exif().unwrap();
        assert_eq!(kept, orientation_exif(6));
        assert_eq!(
            image::metadata::Orientation::from_exif_chunk(&kept),
            Some(image::metadata::Orientation::Rotate90)
        );
    }

    #[test]
    fn png_text_and_exif_chunks_are_removed() {
        let mut png = Png::from_bytes(Bytes::from(tiny(ImageFormat::Png))).unwrap();
        let text =
            img_parts::png::PngChunk::new(*b"tEXt", Bytes::from_static(b"GPS\x00125.3,43.8"));
        let at = png.chunks().len() - 1;
        png.chunks_mut().insert(at, text);
        png.set_exif(Some(Bytes::from_static(b"MM\0\x2a\0\0\0\x08GPS")));
        let mut out = Vec::new();
        png.encoder().write_to(&mut out).unwrap();
        let (kind, clean) = sanitize(Bytes::from(out), false).unwrap();
        assert_eq!(kind, Kind::Png);
        assert!(!String::from_utf8_lossy(&clean).contains("GPS"));
        assert!(image::load_from_memory(&clean).is_ok());
    }
}
