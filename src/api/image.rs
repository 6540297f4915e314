//! Local reference images, the pure parts: which files are accepted, the
//! size an image is scaled to, how it is encoded, and what it adds to the
//! request. The browser does the decoding and drawing (src/web/images.rs).

/// Default longest side, in pixels, before an image is scaled down.
pub const DEFAULT_MAX_SIDE: u32 = 2048;
/// Allowed range for the max-side setting.
pub const MAX_SIDE_RANGE: (u32, u32) = (256, 8192);
/// A request body past this many bytes gets a warning.
pub const BODY_WARN_BYTES: usize = 10_000_000;
/// JPEG quality used when re-encoding photos.
pub const JPEG_QUALITY: f64 = 0.9;

/// Formats the API takes as they are; anything else the browser can decode
/// (GIF, BMP, AVIF…) is re-encoded.
use crate::i18n::{Msg, K};

const PASS_THROUGH: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];

/// Checks a file before decoding it: not empty, and an image by its type
/// (or, when the browser gives no type, by its name).
pub fn check_file(name: &str, mime: &str, size: f64) -> Result<(), Msg> {
    if size <= 0.0 {
        return Err(Msg::new(K::FileEmpty).arg("name", name));
    }
    let mime = mime.trim().to_ascii_lowercase();
    let by_name = || {
        let lower = name.to_ascii_lowercase();
        [".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".avif"].iter().any(|e| lower.ends_with(e))
    };
    if mime.starts_with("image/") || (mime.is_empty() && by_name()) {
        if mime == "image/svg+xml" {
            return Err(Msg::new(K::FileSvg).arg("name", name));
        }
        Ok(())
    } else {
        Err(if mime.is_empty() {
            Msg::new(K::FileNotImageUnknown).arg("name", name)
        } else {
            Msg::new(K::FileNotImage).arg("name", name).arg("type", mime)
        })
    }
}

/// The size to draw at: the same when the longest side fits, else scaled so
/// that the longest side is `max_side`, keeping the aspect ratio.
pub fn target_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_side || long == 0 {
        return (width, height);
    }
    let scale = |side: u32| ((side as f64 * max_side as f64 / long as f64).round() as u32).max(1);
    (scale(width), scale(height))
}

/// How a local image is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// The file's own bytes, unchanged.
    Original,
    /// Re-encoded as PNG (the source has transparency).
    Png,
    /// Re-encoded as JPEG at `JPEG_QUALITY` (a photo).
    Jpeg,
}

impl Encoding {
    pub fn mime(self) -> Option<&'static str> {
        match self {
            Encoding::Original => None,
            Encoding::Png => Some("image/png"),
            Encoding::Jpeg => Some("image/jpeg"),
        }
    }
}

/// Whether the file can go as it is (fits, and a type the API takes) or
/// how to re-encode it. `has_alpha` is only asked when it matters.
pub fn choose_encoding(mime: &str, width: u32, height: u32, max_side: u32, has_alpha: impl FnOnce() -> bool) -> Encoding {
    let fits = width.max(height) <= max_side;
    if fits && PASS_THROUGH.contains(&mime.to_ascii_lowercase().as_str()) {
        Encoding::Original
    } else if mime.eq_ignore_ascii_case("image/jpeg") || !has_alpha() {
        Encoding::Jpeg
    } else {
        Encoding::Png
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `data:<mime>;base64,<bytes>`.
pub fn data_uri(mime: &str, bytes: &[u8]) -> String {
    let prefix = format!("data:{mime};base64,");
    let mut out = String::with_capacity(prefix.len() + bytes.len().div_ceil(3) * 4);
    out.push_str(&prefix);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The MIME type of a data URI, if it is one.
pub fn data_uri_mime(uri: &str) -> Option<&str> {
    uri.strip_prefix("data:")?.split([';', ',']).next()
}

/// Bytes a base64 data URI's payload decodes to (what the image weighs).
pub fn data_uri_payload_bytes(uri: &str) -> usize {
    let Some((_, b64)) = uri.split_once(',') else { return 0 };
    let pad = b64.bytes().rev().take_while(|b| *b == b'=').count();
    (b64.len() / 4 * 3).saturating_sub(pad)
}

/// What the request body will weigh, near enough: the image URLs as JSON
/// strings plus the rest of the body.
pub fn body_bytes<'a>(image_urls: impl IntoIterator<Item = &'a str>, rest: usize) -> usize {
    image_urls.into_iter().map(|u| u.len() + 3).sum::<usize>() + rest
}

/// "412 KB", "1.8 MB".
pub fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{}.{} GB", n / 1_000_000_000, n % 1_000_000_000 / 100_000_000),
        n if n >= 1_000_000 => format!("{}.{} MB", n / 1_000_000, n % 1_000_000 / 100_000),
        n if n >= 1_000 => format!("{} KB", (n + 500) / 1_000),
        n => format!("{n} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_accepted_by_type_or_name() {
        assert!(check_file("a.png", "image/png", 10.0).is_ok());
        assert!(check_file("photo.HEIC", "image/heic", 10.0).is_ok(), "the browser decides if it can decode it");
        assert!(check_file("a.webp", "", 10.0).is_ok());
        let err = |name, mime| check_file(name, mime, 10.0).unwrap_err().render(crate::i18n::Lang::En);
        assert!(err("notes.txt", "text/plain").contains("notes.txt: not an image (text/plain)"));
        assert!(err("mystery", "").contains("unknown type"));
        assert!(err("logo.svg", "image/svg+xml").contains("SVG"));
        assert!(check_file("a.png", "image/png", 0.0).unwrap_err().render(crate::i18n::Lang::En).contains("empty"));
    }

    #[test]
    fn big_images_scale_to_the_max_side_keeping_their_shape() {
        assert_eq!(target_size(4000, 3000, 2048), (2048, 1536));
        assert_eq!(target_size(3000, 4000, 2048), (1536, 2048));
        assert_eq!(target_size(3000, 2000, 2048), (2048, 1365));
        assert_eq!(target_size(2048, 2048, 2048), (2048, 2048));
        assert_eq!(target_size(800, 600, 2048), (800, 600));
        assert_eq!(target_size(100_000, 10, 2048), (2048, 1), "never zero");
        assert_eq!(target_size(0, 0, 2048), (0, 0));
    }

    #[test]
    fn encoding_keeps_what_it_can_and_transparency() {
        let opaque = || false;
        let clear = || true;
        assert_eq!(choose_encoding("image/png", 800, 600, 2048, clear), Encoding::Original);
        assert_eq!(choose_encoding("image/jpeg", 800, 600, 2048, opaque), Encoding::Original);
        assert_eq!(choose_encoding("image/png", 4000, 3000, 2048, clear), Encoding::Png);
        assert_eq!(choose_encoding("image/png", 4000, 3000, 2048, opaque), Encoding::Jpeg);
        assert_eq!(choose_encoding("image/jpeg", 4000, 3000, 2048, || panic!("a JPEG has no alpha")), Encoding::Jpeg);
        assert_eq!(choose_encoding("image/gif", 100, 100, 2048, clear), Encoding::Png, "GIF is re-encoded");
        assert_eq!(choose_encoding("image/bmp", 100, 100, 2048, opaque), Encoding::Jpeg);
        assert_eq!(Encoding::Png.mime(), Some("image/png"));
    }

    #[test]
    fn data_uris_are_standard_base64() {
        assert_eq!(data_uri("image/png", b""), "data:image/png;base64,");
        assert_eq!(data_uri("image/png", b"f"), "data:image/png;base64,Zg==");
        assert_eq!(data_uri("image/png", b"fo"), "data:image/png;base64,Zm8=");
        assert_eq!(data_uri("image/png", b"foo"), "data:image/png;base64,Zm9v");
        assert_eq!(data_uri("image/jpeg", b"foobar"), "data:image/jpeg;base64,Zm9vYmFy");
        assert_eq!(data_uri("x", &[0xff, 0xfe, 0xfd]), "data:x;base64,//79");
        for n in 0..10 {
            let bytes = vec![7u8; n];
            assert_eq!(data_uri_payload_bytes(&data_uri("image/png", &bytes)), n);
        }
        assert_eq!(data_uri_mime("data:image/webp;base64,AAAA"), Some("image/webp"));
        assert_eq!(data_uri_mime("https://x"), None);
    }

    #[test]
    fn body_size_counts_the_urls() {
        let big = data_uri("image/png", &vec![0u8; 3_000_000]);
        assert_eq!(body_bytes([big.as_str(), "https://a/b.png"], 100), big.len() + 3 + 15 + 3 + 100);
        assert!(body_bytes([big.as_str(), big.as_str()], 0) < BODY_WARN_BYTES);
        assert!(body_bytes([big.as_str(), big.as_str(), big.as_str()], 0) > BODY_WARN_BYTES);
        assert_eq!(human_bytes(1_834_221), "1.8 MB");
        assert_eq!(human_bytes(412_400), "412 KB");
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_234_567_890), "1.2 GB");
    }
}
