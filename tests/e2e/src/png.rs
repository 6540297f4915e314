//! A minimal PNG writer (stored deflate blocks, no compression) and a reader
//! of a PNG's size, so the fake server needs no image crate.

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// An RGB image of one colour with a diagonal band, `width`×`height`.
pub fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    encode(width, height, false, |x, y| {
        let band = (x + y) % 32 < 6;
        let c = rgb.map(|c| if band { 255 - c } else { c });
        [c[0], c[1], c[2], 255]
    })
}

/// An opaque RGB image like a photo: smooth gradients with a little grain
/// (a JPEG of a 2048 px copy is about 1 MB, as a phone photo's is).
pub fn photo(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, false, |x, y| {
        let mut h = (x as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (y as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
        h ^= h >> 29;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        let grain = (h >> 60) as u32;
        let (fx, fy) = (x * 255 / width.max(1), y * 255 / height.max(1));
        [(fx / 2 + 60 + grain) as u8, (fy / 2 + 40 + grain) as u8, ((fx + fy) / 4 + 80 + grain) as u8, 255]
    })
}

/// An RGBA image whose left quarter is transparent.
pub fn png_with_alpha(width: u32, height: u32) -> Vec<u8> {
    encode(width, height, true, |x, y| if x < width / 4 { [0, 0, 0, 0] } else { [200, (y % 256) as u8, 90, 255] })
}

fn encode(width: u32, height: u32, alpha: bool, pixel: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    let channels = if alpha { 4 } else { 3 };
    let mut raw = Vec::with_capacity(((width * channels + 1) * height) as usize);
    for y in 0..height {
        raw.push(0);
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y)[..channels as usize]);
        }
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, if alpha { 6 } else { 2 }, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Width and height from a PNG's header.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((w, h))
}

/// A PNG's pixels as RGBA: 8-bit grey, grey+alpha, RGB or RGBA, not
/// interlaced (what browsers' canvases write). `None` for anything else.
pub fn decode(bytes: &[u8]) -> Option<(u32, u32, Vec<u8>)> {
    let (w, h) = png_size(bytes)?;
    let (depth, colour, interlace) = (bytes[24], bytes[25], bytes[28]);
    let channels = match colour {
        0 => 1,
        4 => 2,
        2 => 3,
        6 => 4,
        _ => return None,
    };
    if depth != 8 || interlace != 0 {
        return None;
    }
    let mut z = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().ok()?) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = bytes.get(at + 8..at + 8 + len)?;
        if kind == b"IDAT" {
            z.extend_from_slice(data);
        }
        at += 12 + len;
    }
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&z).ok()?;
    let stride = w as usize * channels;
    if raw.len() != (stride + 1) * h as usize {
        return None;
    }
    let mut rows = vec![0u8; stride * h as usize];
    for y in 0..h as usize {
        let filter = raw[y * (stride + 1)];
        for x in 0..stride {
            let v = raw[y * (stride + 1) + 1 + x];
            let a = if x >= channels { rows[y * stride + x - channels] } else { 0 } as i32;
            let b = if y > 0 { rows[(y - 1) * stride + x] } else { 0 } as i32;
            let c = if x >= channels && y > 0 { rows[(y - 1) * stride + x - channels] } else { 0 } as i32;
            let pred = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc { a } else if pb <= pc { b } else { c }
                }
                _ => return None,
            };
            rows[y * stride + x] = (v as i32 + pred) as u8;
        }
    }
    let mut out = Vec::with_capacity(w as usize * h as usize * 4);
    for px in rows.chunks_exact(channels) {
        out.extend_from_slice(&match channels {
            1 => [px[0], px[0], px[0], 255],
            2 => [px[0], px[0], px[0], px[1]],
            3 => [px[0], px[1], px[2], 255],
            _ => [px[0], px[1], px[2], px[3]],
        });
    }
    Some((w, h, out))
}

/// The pixels of a `data:image/png;base64,` URI.
pub fn decode_data_uri(uri: &str) -> Option<(u32, u32, Vec<u8>)> {
    decode(&base64_decode(uri.strip_prefix("data:image/png;base64,")?)?)
}

/// Encodes standard base64 (for data URIs made by tests).
pub fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            out.push(if i <= c.len() { T[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

/// Decodes standard base64 (the payload of a data URI).
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let bytes: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let pad = chunk.iter().rev().take_while(|b| **b == b'=').count();
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            let v = if i >= 4 - pad { 0 } else { val(*b)? };
            n = n << 6 | v as u32;
        }
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_pngs_read_back_their_size() {
        let p = png(70, 40, [10, 20, 30]);
        assert_eq!(png_size(&p), Some((70, 40)));
        assert_eq!(png_size(b"GIF89a"), None);
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        assert_eq!(png_size(&png_with_alpha(30, 20)), Some((30, 20)));
        assert_eq!(base64_decode("Zm9vYmFy").as_deref(), Some(&b"foobar"[..]));
        for n in 0..7 {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)), Some(bytes));
        }
        assert_eq!(base64_decode("Zm8=").as_deref(), Some(&b"fo"[..]));
        assert_eq!(base64_decode("Zg==").as_deref(), Some(&b"f"[..]));
        assert_eq!(base64_decode("Zg="), None);
    }

    #[test]
    fn written_pngs_decode_to_their_pixels() {
        let (w, h, px) = decode(&png(40, 30, [10, 20, 30])).unwrap();
        assert_eq!((w, h, px.len()), (40, 30, 40 * 30 * 4));
        assert_eq!(&px[..4], &[245, 235, 225, 255], "the band at (0, 0)");
        assert_eq!(&px[(10 * 40 + 20) * 4..][..4], &[10, 20, 30, 255]);
        let (_, _, a) = decode(&png_with_alpha(8, 4)).unwrap();
        assert_eq!((&a[..4], &a[(4 + 3 * 8) * 4..][..4]), (&[0, 0, 0, 0][..], &[200, 3, 90, 255][..]));
        let uri = format!("data:image/png;base64,{}", base64_encode(&png(2, 2, [1, 2, 3])));
        assert_eq!(decode_data_uri(&uri).map(|d| (d.0, d.1)), Some((2, 2)));
    }
}
