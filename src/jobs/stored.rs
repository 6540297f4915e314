//! A job as the history stores it (JSON), written and read by hand.
//!
//! serde's derives compiled a parser for every field of every type a job
//! holds into the wasm: 20 KB of its brotli transfer. This goes through
//! `serde_json::Value`, whose parser and writer the app has anyway. The
//! format is the one the derives wrote (keys in another order), read the
//! way they read it: unknown keys are ignored, an `Option` may be missing
//! (`None`), a field added later is its default when missing, and anything
//! else missing or of the wrong type makes the whole value unreadable (the
//! history leaves that job out, as before). The tests check both ways
//! against the derives, which are compiled for them alone.

use serde_json::{Map, Value};

/// A value the history stores.
pub trait Stored: Sized {
    fn put(&self) -> Value;
    fn take(v: &Value) -> Option<Self>;
    /// The value of a field that is not there, if it may be missing.
    fn missing() -> Option<Self> {
        None
    }
}

/// The fields of a stored record.
struct Fields<'a>(&'a Map<String, Value>);

impl<'a> Fields<'a> {
    fn of(v: &'a Value) -> Option<Self> {
        v.as_object().map(Fields)
    }

    /// A field of the first format (an `Option` may be missing).
    fn get<T: Stored>(&self, k: &str) -> Option<T> {
        match self.0.get(k) {
            Some(v) => T::take(v),
            None => T::missing(),
        }
    }

    /// A field added later: its default when missing.
    fn new<T: Stored + Default>(&self, k: &str) -> Option<T> {
        match self.0.get(k) {
            Some(v) => T::take(v),
            None => Some(T::default()),
        }
    }
}

/// A record of `fields`.
fn record(fields: Vec<(&str, Value)>) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A variant with data: `{"Name": data}` (one without is its name).
fn tagged(name: &str, data: Value) -> Value {
    record(vec![(name, data)])
}

/// The name and data of a variant: `"Name"`, or `{"Name": data}`.
fn variant(v: &Value) -> Option<(&str, Option<&Value>)> {
    match v {
        Value::String(s) => Some((s, None)),
        Value::Object(m) if m.len() == 1 => m.iter().next().map(|(k, d)| (k.as_str(), Some(d))),
        _ => None,
    }
}

/// A variant without data, by its name in `table`.
fn named<T: Copy + PartialEq>(table: &[(T, &str)], t: T) -> Value {
    Value::from(table.iter().find(|(x, _)| *x == t).map_or("", |(_, n)| *n))
}

fn by_name<T: Copy>(table: &[(T, &str)], v: &Value) -> Option<T> {
    match variant(v)? {
        (name, None | Some(Value::Null)) => table.iter().find(|(_, n)| *n == name).map(|(t, _)| *t),
        _ => None,
    }
}

impl Stored for bool {
    fn put(&self) -> Value {
        Value::from(*self)
    }
    fn take(v: &Value) -> Option<Self> {
        v.as_bool()
    }
}

impl Stored for u64 {
    fn put(&self) -> Value {
        Value::from(*self)
    }
    fn take(v: &Value) -> Option<Self> {
        v.as_u64()
    }
}

/// Smaller unsigned integers: a `u64` that fits.
macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Stored for $t {
            fn put(&self) -> Value {
                Value::from(*self as u64)
            }
            fn take(v: &Value) -> Option<Self> {
                v.as_u64().and_then(|n| <$t>::try_from(n).ok())
            }
        }
    )*};
}
unsigned!(u32, u16, u8, usize);

impl Stored for f64 {
    fn put(&self) -> Value {
        Value::from(*self)
    }
    fn take(v: &Value) -> Option<Self> {
        v.as_f64()
    }
}

impl Stored for f32 {
    /// The shortest text that reads back as this `f32` ("12.3", where the
    /// `f64` of it would write 12.300000190734863).
    fn put(&self) -> Value {
        serde_json::to_string(self).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null)
    }
    fn take(v: &Value) -> Option<Self> {
        v.as_f64().map(|x| x as f32)
    }
}

impl Stored for String {
    fn put(&self) -> Value {
        Value::from(self.as_str())
    }
    fn take(v: &Value) -> Option<Self> {
        v.as_str().map(str::to_string)
    }
}

impl Stored for Value {
    fn put(&self) -> Value {
        self.clone()
    }
    fn take(v: &Value) -> Option<Self> {
        Some(v.clone())
    }
}

impl<T: Stored> Stored for Option<T> {
    fn put(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::put)
    }
    fn take(v: &Value) -> Option<Self> {
        if v.is_null() {
            Some(None)
        } else {
            T::take(v).map(Some)
        }
    }
    fn missing() -> Option<Self> {
        Some(None)
    }
}

impl<T: Stored> Stored for Vec<T> {
    fn put(&self) -> Value {
        Value::Array(self.iter().map(T::put).collect())
    }
    fn take(v: &Value) -> Option<Self> {
        v.as_array()?.iter().map(T::take).collect()
    }
}

impl<A: Stored, B: Stored> Stored for (A, B) {
    fn put(&self) -> Value {
        Value::Array(vec![self.0.put(), self.1.put()])
    }
    fn take(v: &Value) -> Option<Self> {
        match v.as_array()?.as_slice() {
            [a, b] => Some((A::take(a)?, B::take(b)?)),
            _ => None,
        }
    }
}

impl Stored for [f32; 2] {
    fn put(&self) -> Value {
        Value::Array(vec![self[0].put(), self[1].put()])
    }
    fn take(v: &Value) -> Option<Self> {
        let (x, y) = <(f32, f32)>::take(v)?;
        Some([x, y])
    }
}

mod types;

#[cfg(test)]
mod tests;
