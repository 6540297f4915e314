//! A zip archive of stored entries (issue 12, groundwork for "download
//! all"): the result images are compressed already, so storing them is
//! enough, and no compression crate has to earn its bytes. UTF-8 names,
//! CRC-32 per entry, a central directory; and a reader that checks it all,
//! for the tests and for importing an archive later.

/// CRC-32 (IEEE 802.3, as zip uses), a byte at a time. The table is built
/// at each call (2,048 steps), not stored: a static table would cost a
/// kilobyte of bundle, and bit-by-bit is eight times slower on megabytes.
pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (n, slot) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = (c >> 1) ^ (0xedb8_8320 & (c & 1).wrapping_neg());
        }
        *slot = c;
    }
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc = (crc >> 8) ^ table[((crc ^ b as u32) & 0xff) as usize];
    }
    !crc
}

/// A time as MS-DOS stores it (local headers carry no time zone): from
/// milliseconds since 1970 UTC, clamped to 1980–2107.
pub fn dos_time(unix_ms: f64) -> (u16, u16) {
    let secs = (unix_ms / 1000.0).max(315_532_800.0) as i64; // 1980-01-01
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = (yoe + era * 400 + i64::from(month <= 2)).min(2107);
    let time = ((rem / 3_600) << 11) | (((rem % 3_600) / 60) << 5) | ((rem % 60) / 2);
    let date = ((year - 1980) << 9) | (month << 5) | day;
    (time as u16, date as u16)
}

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
/// Names are UTF-8 (general purpose flag bit 11).
const UTF8: u16 = 1 << 11;

/// Writes an archive in memory, entry by entry.
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
    time: (u16, u16),
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// Why an archive cannot be written or read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZipError {
    /// Over 65,535 entries or 4 GB: this writer has no zip64.
    TooBig,
    /// Not an archive, cut short, or not one of ours.
    Damaged,
    /// An entry's bytes do not match its CRC.
    BadCrc(String),
}

impl ZipWriter {
    /// An empty archive whose entries are dated `unix_ms`.
    pub fn new(unix_ms: f64) -> Self {
        ZipWriter { out: Vec::new(), central: Vec::new(), entries: 0, time: dos_time(unix_ms) }
    }

    /// Adds a stored entry.
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<(), ZipError> {
        let (size, offset) = (u32::try_from(data.len()), u32::try_from(self.out.len()));
        let (Ok(size), Ok(offset), Ok(name_len), Some(entries)) = (size, offset, u16::try_from(name.len()), self.entries.checked_add(1)) else {
            return Err(ZipError::TooBig);
        };
        // The fields the local header and the central directory share:
        // version needed (2.0), UTF-8 names, stored, time, CRC, sizes, name
        // length, no extra field.
        let crc = crc32(data);
        let time = self.time;
        let shared = |v: &mut Vec<u8>| {
            [20, UTF8, 0, time.0, time.1].iter().for_each(|x| put16(v, *x));
            [crc, size, size].iter().for_each(|x| put32(v, *x));
            put16(v, name_len);
            put16(v, 0);
        };
        let o = &mut self.out;
        put32(o, LOCAL);
        shared(o);
        o.extend_from_slice(name.as_bytes());
        o.extend_from_slice(data);
        let c = &mut self.central;
        put32(c, CENTRAL);
        put16(c, 20); // made by: 2.0
        shared(c);
        put16(c, 0); // comment
        put16(c, 0); // disk
        put16(c, 0); // internal attributes
        put32(c, 0); // external attributes
        put32(c, offset);
        c.extend_from_slice(name.as_bytes());
        self.entries = entries;
        Ok(())
    }

    /// The archive's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, ZipError> {
        let (Ok(cd_size), Ok(cd_offset)) = (u32::try_from(self.central.len()), u32::try_from(self.out.len())) else {
            return Err(ZipError::TooBig);
        };
        self.out.append(&mut self.central);
        let o = &mut self.out;
        put32(o, END);
        put16(o, 0);
        put16(o, 0);
        put16(o, self.entries);
        put16(o, self.entries);
        put32(o, cd_size);
        put32(o, cd_offset);
        put16(o, 0); // no comment
        Ok(self.out)
    }
}

/// The entries of an archive of stored entries (names and bytes), each
/// checked against its CRC, in the central directory's order.
pub fn read(zip: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ZipError> {
    let u16_at = |i: usize| zip.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize).ok_or(ZipError::Damaged);
    let u32_at = |i: usize| zip.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize).ok_or(ZipError::Damaged);
    let end = zip.len().checked_sub(22).ok_or(ZipError::Damaged)?;
    if u32_at(end)? != END as usize {
        return Err(ZipError::Damaged);
    }
    let (count, mut at) = (u16_at(end + 10)?, u32_at(end + 16)?);
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        if u32_at(at)? != CENTRAL as usize || u16_at(at + 10)? != 0 {
            return Err(ZipError::Damaged);
        }
        let (crc, size, name_len) = (u32_at(at + 16)?, u32_at(at + 24)?, u16_at(at + 28)?);
        let skip = name_len + u16_at(at + 30)? + u16_at(at + 32)?;
        let name = zip.get(at + 46..at + 46 + name_len).ok_or(ZipError::Damaged)?;
        let name = String::from_utf8(name.to_vec()).map_err(|_| ZipError::Damaged)?;
        let local = u32_at(at + 42)?;
        if u32_at(local)? != LOCAL as usize {
            return Err(ZipError::Damaged);
        }
        let start = local + 30 + u16_at(local + 26)? + u16_at(local + 28)?;
        let data = zip.get(start..start + size).ok_or(ZipError::Damaged)?.to_vec();
        if crc32(&data) as usize != crc {
            return Err(ZipError::BadCrc(name));
        }
        entries.push((name, data));
        at += 46 + skip;
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414f_a339);
    }

    #[test]
    fn dates_are_dos_dates() {
        // 2026-11-26 01:02:03 UTC
        let (time, date) = dos_time(1_795_654_923_000.0);
        assert_eq!((date >> 9, (date >> 5) & 0xf, date & 0x1f), (46, 11, 26));
        assert_eq!((time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2), (1, 2, 2));
        assert_eq!(dos_time(0.0), (0, (1 << 5) | 1), "before 1980: 1980-01-01");
        assert_eq!(dos_time(951_782_400_000.0).1, (20 << 9) | (2 << 5) | 29, "2000-02-29");
    }

    #[test]
    fn an_archive_reads_back_with_its_names_sizes_and_crcs() {
        let png = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect::<Vec<_>>();
        let mut z = ZipWriter::new(1_795_654_923_000.0);
        z.add("01-seed-42.png", &png).unwrap();
        z.add("01-seed-42.request.json", br#"{"prompt":"p"}"#).unwrap();
        z.add("02-图2-seed-43.png", b"").unwrap();
        let bytes = z.finish().unwrap();
        let back = read(&bytes).unwrap();
        let names: Vec<&str> = back.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["01-seed-42.png", "01-seed-42.request.json", "02-图2-seed-43.png"]);
        assert_eq!((back[0].1.len(), back[1].1.as_slice(), back[2].1.len()), (70_000, br#"{"prompt":"p"}"#.as_slice(), 0));
        assert_eq!(back[0].1, png);
        // Stored: the archive is the data plus its headers.
        assert_eq!(bytes.len(), 70_014 + 3 * (30 + 46) + 2 * (14 + 23 + 19) + 22);
    }

    #[test]
    fn damaged_archives_are_refused() {
        let mut z = ZipWriter::new(0.0);
        z.add("a.png", b"abcdef").unwrap();
        let good = z.finish().unwrap();
        assert!(read(&good).is_ok());
        assert_eq!(read(&good[..good.len() - 1]), Err(ZipError::Damaged), "cut short");
        assert_eq!(read(b"PK"), Err(ZipError::Damaged));
        let mut flipped = good.clone();
        flipped[30 + 5] ^= 1; // a byte of the entry's data
        assert_eq!(read(&flipped), Err(ZipError::BadCrc("a.png".into())));
        assert_eq!(ZipWriter::new(0.0).finish().map(|b| read(&b)), Ok(Ok(Vec::new())), "an empty archive");
    }
}
