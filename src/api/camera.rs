//! The camera of the angles model as a person moves it: a globe seen from
//! above, the subject at its centre facing down the screen. The angle
//! around the centre is `horizontal_angle` (0 front, at the bottom; 90 the
//! right side; 180 the back; 270 the left side); the distance from the
//! centre is the height: the centre is straight above (90°), the rim
//! looking up (−30°), eye level (0°) three quarters out. Plain numbers in
//! and out, so the orbit control's drag, its arrow keys and the fields
//! agree by construction.

use crate::i18n::K;

use super::model::{VERTICAL_ANGLE, ZOOM};

/// `deg` in 0…360.
fn turn(deg: f64) -> f64 {
    deg - 360.0 * (deg / 360.0).floor()
}

/// The sine and cosine of `deg` degrees, by their series on a quarter
/// turn (error below 1e-7). The platform's `sin` and `cos` bring libm's
/// reduction of any argument into the wasm (with `atan2` and `hypot`,
/// 10 KB); a control turning through 0–360° needs none of it.
pub fn sin_cos(deg: f64) -> (f64, f64) {
    let d = turn(deg);
    let q = (d / 90.0).floor();
    let x = (d - 90.0 * q).to_radians();
    let x2 = x * x;
    let (mut s, mut c, mut term_s, mut term_c) = (0.0, 0.0, x, 1.0);
    for k in 1..8 {
        s += term_s;
        c += term_c;
        let k = k as f64;
        term_s *= -x2 / ((2.0 * k) * (2.0 * k + 1.0));
        term_c *= -x2 / ((2.0 * k - 1.0) * (2.0 * k));
    }
    match q as i64 {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

/// The angle of `(x, y)` from the y axis towards the x axis, in degrees
/// 0…360 (`atan2(x, y)`), by halving the angle twice and the arctangent's
/// series (error below 1e-6°).
pub fn angle_of(x: f64, y: f64) -> f64 {
    let (ax, ay) = (x.abs(), y.abs());
    if ax == 0.0 && ay == 0.0 {
        return 0.0;
    }
    // The angle from the nearer axis, in 0…45°.
    let t = ax.min(ay) / ax.max(ay);
    let half = |t: f64| t / (1.0 + (1.0 + t * t).sqrt());
    let u = half(half(t));
    let (mut sum, mut p, u2) = (0.0, u, u * u);
    for k in 0..8 {
        sum += p / (2 * k + 1) as f64;
        p *= -u2;
    }
    let a = (4.0 * sum).to_degrees();
    let a = if ax > ay { 90.0 - a } else { a };
    match (x >= 0.0, y >= 0.0) {
        (true, true) => a,
        (true, false) => 180.0 - a,
        (false, false) => 180.0 + a,
        (false, true) => turn(360.0 - a),
    }
}

/// Where the camera is on the globe: `(x, y)` in −1…1, the centre at 0,
/// y down the screen.
pub fn position(horizontal: f64, vertical: f64) -> (f64, f64) {
    let r = (VERTICAL_ANGLE.1 - vertical.clamp(VERTICAL_ANGLE.0, VERTICAL_ANGLE.1)) / (VERTICAL_ANGLE.1 - VERTICAL_ANGLE.0);
    let (s, c) = sin_cos(horizontal);
    (r * s, r * c)
}

/// The angles of a point on the globe (outside it: its rim), whole
/// degrees: `(horizontal 0–359, vertical −30–90)`.
pub fn angles_at(x: f64, y: f64) -> (i64, i64) {
    let r = (x * x + y * y).sqrt().min(1.0);
    let horizontal = if r == 0.0 { 0.0 } else { angle_of(x, y) };
    let vertical = VERTICAL_ANGLE.1 - r * (VERTICAL_ANGLE.1 - VERTICAL_ANGLE.0);
    ((horizontal.round() as i64).rem_euclid(360), vertical.round() as i64)
}

/// The step of an arrow key: 15°, 45° with Shift.
pub fn step(shift: bool) -> f64 {
    if shift {
        45.0
    } else {
        15.0
    }
}

/// An arrow key's move: Left/Right turn around the subject (wrapping),
/// Up/Down raise and lower the camera (within its range). `None` for any
/// other key.
pub fn key_move(key: &str, shift: bool, horizontal: f64, vertical: f64) -> Option<(f64, f64)> {
    let s = step(shift);
    let turn = |d: f64| turn(horizontal + d);
    let lift = |d: f64| (vertical + d).clamp(VERTICAL_ANGLE.0, VERTICAL_ANGLE.1);
    match key {
        "ArrowRight" => Some((turn(s), vertical)),
        "ArrowLeft" => Some((turn(-s), vertical)),
        "ArrowUp" => Some((horizontal, lift(s))),
        "ArrowDown" => Some((horizontal, lift(-s))),
        _ => None,
    }
}

/// The view in words: which side, from how high, how close.
pub fn words(horizontal: f64, vertical: f64, zoom: f64) -> [K; 3] {
    const SIDES: [K; 8] = [K::ViewFront, K::ViewFrontRight, K::ViewRight, K::ViewBackRight, K::ViewBack, K::ViewBackLeft, K::ViewLeft, K::ViewFrontLeft];
    let side = SIDES[((turn(horizontal) + 22.5) / 45.0) as usize % 8];
    let height = match vertical {
        v if v < -15.0 => K::ViewLookingUp,
        v if v < 15.0 => K::ViewEyeLevel,
        v if v < 60.0 => K::ViewFromAbove,
        _ => K::ViewBirdsEye,
    };
    let distance = match zoom.clamp(ZOOM.0, ZOOM.1) {
        z if z < 10.0 / 3.0 => K::ViewWide,
        z if z <= 20.0 / 3.0 => K::ViewMedium,
        _ => K::ViewClose,
    };
    [side, height, distance]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_globe_puts_each_side_where_the_schema_says() {
        let near = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9;
        // Eye level is three quarters out; front at the bottom, right side
        // to the right, back at the top, left side to the left.
        assert!(near(position(0.0, 0.0), (0.0, 0.75)));
        assert!(near(position(90.0, 0.0), (0.75, 0.0)));
        assert!(near(position(180.0, 0.0), (0.0, -0.75)));
        assert!(near(position(270.0, 0.0), (-0.75, 0.0)));
        assert!(near(position(123.0, 90.0), (0.0, 0.0)), "straight above is the centre");
        assert!(near(position(0.0, -30.0), (0.0, 1.0)), "looking up is the rim");
        assert!(near(position(0.0, -99.0), (0.0, 1.0)) && near(position(0.0, 120.0), (0.0, 0.0)), "out of range: its end");
    }

    #[test]
    fn the_series_agree_with_the_platforms_trigonometry() {
        for i in -7200..=7200 {
            let deg = i as f64 * 0.1;
            let (s, c) = sin_cos(deg);
            assert!((s - deg.to_radians().sin()).abs() < 1e-7 && (c - deg.to_radians().cos()).abs() < 1e-7, "{deg}");
        }
        for i in 0..2000 {
            let a = i as f64 * 0.1813;
            let (x, y) = (a.sin() * (1.0 + i as f64), a.cos() * (1.0 + i as f64));
            let want = x.atan2(y).to_degrees().rem_euclid(360.0);
            let got = angle_of(x, y);
            let diff = (got - want).abs();
            assert!(diff.min(360.0 - diff) < 1e-6, "({x}, {y}): {got} vs {want}");
        }
        assert_eq!((angle_of(0.0, 1.0), angle_of(1.0, 0.0), angle_of(0.0, -1.0), angle_of(-1.0, 0.0), angle_of(0.0, 0.0)), (0.0, 90.0, 180.0, 270.0, 0.0));
    }

    #[test]
    fn a_point_gives_back_its_angles() {
        for h in (0..360).step_by(5) {
            for v in (-30..=85).step_by(5) {
                let (x, y) = position(h as f64, v as f64);
                assert_eq!(angles_at(x, y), (h, v), "({h}, {v})");
            }
        }
        assert_eq!(angles_at(0.0, 0.0), (0, 90));
        assert_eq!(angles_at(3.0, 0.0), (90, -30), "outside the globe: its rim");
        assert_eq!(angles_at(-0.001, 0.5).0, 0, "just left of the front rounds to 0, not 360");
    }

    #[test]
    fn arrow_keys_turn_by_15_or_45_and_stay_in_range() {
        assert_eq!(key_move("ArrowRight", false, 0.0, 0.0), Some((15.0, 0.0)));
        assert_eq!(key_move("ArrowLeft", false, 0.0, 0.0), Some((345.0, 0.0)), "wraps");
        assert_eq!(key_move("ArrowRight", true, 330.0, 0.0), Some((15.0, 0.0)));
        assert_eq!(key_move("ArrowUp", true, 10.0, 60.0), Some((10.0, 90.0)), "at most straight above");
        assert_eq!(key_move("ArrowDown", false, 10.0, -20.0), Some((10.0, -30.0)), "at least looking up");
        assert_eq!(key_move("Enter", false, 10.0, 0.0), None);
    }

    #[test]
    fn the_view_in_words() {
        assert_eq!(words(0.0, 0.0, 5.0), [K::ViewFront, K::ViewEyeLevel, K::ViewMedium]);
        assert_eq!(words(90.0, 30.0, 10.0), [K::ViewRight, K::ViewFromAbove, K::ViewClose]);
        assert_eq!(words(200.0, -30.0, 0.0), [K::ViewBack, K::ViewLookingUp, K::ViewWide]);
        assert_eq!(words(337.6, 90.0, 3.0), [K::ViewFront, K::ViewBirdsEye, K::ViewWide]);
        assert_eq!(words(315.0, 14.0, 7.0), [K::ViewFrontLeft, K::ViewEyeLevel, K::ViewClose]);
        assert_eq!(words(45.0, 0.0, 5.0)[0], K::ViewFrontRight);
        assert_eq!(words(135.0, 0.0, 5.0)[0], K::ViewBackRight);
        assert_eq!(words(225.0, 0.0, 5.0)[0], K::ViewBackLeft);
        assert_eq!(words(270.0, 0.0, 5.0)[0], K::ViewLeft);
    }
}
