use serde_json::json;

use super::*;
use crate::api::model::schema;
use crate::i18n::Lang;

const PLUS: &str = "fal-ai/qwen-image-edit-plus";

fn body() -> Value {
    json!({"prompt": "p", "image_urls": ["https://a/1.png", "https://a/2.png", "https://a/3.png"]})
}

fn choices(variations: u32, vary: Vary, values: &str, each_image: bool) -> Choices<'_> {
    Choices { variations, vary, values, each_image, turntable: 0 }
}

fn seeds(jobs: &[Planned]) -> Vec<Value> {
    jobs.iter().map(|j| j.body["seed"].clone()).collect()
}

fn fields(r: Result<Vec<Planned>, Vec<FieldError>>) -> Vec<String> {
    r.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
}

#[test]
fn one_variation_is_the_request_as_it_is() {
    let mut never = || panic!("no random seed for one job");
    let jobs = plan(schema(PLUS), &body(), &choices(1, Vary::Seed, "", false), &mut never).unwrap();
    assert_eq!(jobs, [Planned { body: body(), label: Label { image: None, varied: None } }]);
}

#[test]
fn seeds_count_up_from_the_chosen_one_or_are_drawn() {
    let mut b = body();
    b["seed"] = json!(42);
    let jobs = plan(schema(PLUS), &b, &choices(4, Vary::Seed, "", false), &mut || unreachable!()).unwrap();
    assert_eq!(seeds(&jobs), [json!(42), json!(43), json!(44), json!(45)]);
    assert_eq!(jobs[1].label.varied, Some((Vary::Seed, "43".to_string())));
    // At the top of the range the seeds wrap around.
    b["seed"] = json!(SEED_MAX);
    let jobs = plan(schema(PLUS), &b, &choices(2, Vary::Seed, "", false), &mut || unreachable!()).unwrap();
    assert_eq!(seeds(&jobs), [json!(SEED_MAX), json!(0)]);
    // None chosen: each is drawn.
    let mut next = 7u64;
    let jobs = plan(schema(PLUS), &body(), &choices(3, Vary::Seed, "", false), &mut || {
        next += 1_000;
        next
    })
    .unwrap();
    assert_eq!(seeds(&jobs), [json!(1_007), json!(2_007), json!(3_007)]);
    for n in [0, 17] {
        assert_eq!(fields(plan(schema(PLUS), &body(), &choices(n, Vary::Seed, "", false), &mut || 1)), ["variations"], "{n}");
    }
}

#[test]
fn value_lists_and_ranges_are_read() {
    assert_eq!(parse_values("2, 4, 6"), Ok(vec![2.0, 4.0, 6.0]));
    assert_eq!(parse_values("2-8 step 2"), Ok(vec![2.0, 4.0, 6.0, 8.0]));
    assert_eq!(parse_values(" 2 – 5 "), Ok(vec![2.0, 3.0, 4.0, 5.0]), "an en dash, step 1");
    assert_eq!(parse_values("1.5-2.5 step 0.5"), Ok(vec![1.5, 2.0, 2.5]));
    assert_eq!(parse_values("0.1-0.3 step 0.1"), Ok(vec![0.1, 0.2, 0.3]));
    assert_eq!(parse_values("7.5"), Ok(vec![7.5]));
    for bad in ["", "a, b", "2,,4", "8-2", "2-8 step 0", "2-8 step -1", "2, 4 step 2", "inf"] {
        assert!(parse_values(bad).is_err(), "{bad:?}");
    }
    assert!(parse_values("1-17").unwrap_err().render(Lang::En).contains("16"));
    assert!(parse_values(&(1..=17).map(|i| i.to_string()).collect::<Vec<_>>().join(",")).is_err());
}

#[test]
fn each_value_is_checked_against_the_models_range() {
    let jobs = plan(schema(PLUS), &body(), &choices(1, Vary::Guidance, "2, 4, 7.5", false), &mut || 1).unwrap();
    let sent: Vec<Value> = jobs.iter().map(|j| j.body.get("guidance_scale").cloned().unwrap_or(Value::Null)).collect();
    assert_eq!(sent, [json!(2), Value::Null, json!(7.5)], "4 is plus's default: left out");
    assert_eq!(jobs[1].label.varied, Some((Vary::Guidance, "4".to_string())));
    let e = plan(schema("fal-ai/qwen-image-edit-2511"), &body(), &choices(1, Vary::Steps, "20-60 step 20", false), &mut || 1).unwrap_err();
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].message.render(Lang::En).contains("60") && e[0].field == "vary_values");
    let jobs = plan(schema(PLUS), &body(), &choices(1, Vary::Steps, "20-60 step 20", false), &mut || 1).unwrap();
    assert_eq!(jobs.iter().map(|j| j.body["num_inference_steps"].clone()).collect::<Vec<_>>(), [json!(20), json!(40), json!(60)]);
}

#[test]
fn each_image_goes_alone_times_the_variations_up_to_64() {
    let jobs = plan(schema(PLUS), &body(), &choices(1, Vary::Seed, "", true), &mut || 1).unwrap();
    let urls: Vec<Value> = jobs.iter().map(|j| j.body["image_urls"].clone()).collect();
    assert_eq!(urls, [json!(["https://a/1.png"]), json!(["https://a/2.png"]), json!(["https://a/3.png"])]);
    assert_eq!(jobs.iter().map(|j| j.label.image).collect::<Vec<_>>(), [Some(1), Some(2), Some(3)]);
    let mut b = body();
    b["seed"] = json!(5);
    let jobs = plan(schema(PLUS), &b, &choices(4, Vary::Seed, "", true), &mut || 1).unwrap();
    assert_eq!(jobs.len(), 12);
    assert_eq!((jobs[5].label.image, jobs[5].body["seed"].clone()), (Some(2), json!(6)));
    // 5 images × 16 variations is 80: refused, with the numbers.
    let five = json!({"prompt": "p", "image_urls": ["https://a/1", "https://a/2", "https://a/3", "https://a/4", "https://a/5"]});
    let e = plan(schema(PLUS), &five, &choices(16, Vary::Seed, "", true), &mut || 1).unwrap_err();
    assert!(e[0].message.render(Lang::En).contains("80") && e[0].message.render(Lang::En).contains("64"));
    assert_eq!(plan(schema(PLUS), &five, &choices(12, Vary::Seed, "", true), &mut || 1).map(|j| j.len()), Ok(60));
    // One image: "each separately" changes nothing.
    let one = json!({"prompt": "p", "image_urls": ["https://a/1"]});
    assert_eq!(plan(schema(PLUS), &one, &choices(1, Vary::Seed, "", true), &mut || 1).unwrap()[0].label.image, None);
}

#[test]
fn each_job_has_a_readable_file_name() {
    let mut b = body();
    b["seed"] = json!(42);
    let jobs = plan(schema(PLUS), &b, &choices(2, Vary::Seed, "", true), &mut || 1).unwrap();
    let names: Vec<String> = jobs.iter().enumerate().map(|(i, j)| j.label.stem(i)).collect();
    assert_eq!(names, ["01-image-1-seed-42", "02-image-1-seed-43", "03-image-2-seed-42", "04-image-2-seed-43", "05-image-3-seed-42", "06-image-3-seed-43"]);
    let jobs = plan(schema(PLUS), &body(), &choices(1, Vary::Steps, "30, 40", false), &mut || 1).unwrap();
    assert_eq!(jobs[1].label.stem(1), "02-steps-40");
    assert_eq!(Label { image: None, varied: None }.stem(9), "10");
}

#[test]
fn the_forms_fields_make_the_choices() {
    let m = Many::default();
    assert_eq!(m.choices(), choices(1, Vary::Seed, "", false));
    let m = Many { variations: " ".into(), vary: "num_inference_steps".into(), values: "20, 30".into(), each_image: true, turntable: "0".into() };
    assert_eq!(m.choices(), choices(1, Vary::Steps, "20, 30", true));
    let m = Many { variations: "x".into(), vary: "nonsense".into(), ..Many::default() };
    assert_eq!(fields(plan(schema(PLUS), &body(), &m.choices(), &mut || 1)), ["variations"], "not a number");
    assert_eq!(m.choices().vary, Vary::Seed);
}

#[test]
fn a_turntable_sends_views_evenly_around_the_subject() {
    let angles = schema(crate::api::model::ANGLES);
    let body = json!({"image_urls": ["https://a/1.png"], "vertical_angle": 30, "zoom": 8});
    let c = Choices { turntable: 8, ..choices(3, Vary::Guidance, "1, 2", false) };
    let jobs = plan(angles, &body, &c, &mut || unreachable!()).unwrap();
    // 0 is the model's default: left out, like any default.
    let sent: Vec<Value> = jobs.iter().map(|j| j.body.get("horizontal_angle").cloned().unwrap_or(json!(0))).collect();
    assert_eq!(sent, [json!(0), json!(45), json!(90), json!(135), json!(180), json!(225), json!(270), json!(315)]);
    assert!(jobs.iter().all(|j| j.body["vertical_angle"] == 30 && j.body["zoom"] == 8 && j.body.get("guidance_scale").is_none()), "the rest as it is");
    assert_eq!(jobs[3].label, Label { image: None, varied: Some((Vary::Angle, "135".into())) });
    assert_eq!(jobs[3].label.stem(3), "04-horizontal_angle-135");
    let twelve = plan(angles, &body, &Choices { turntable: 12, ..c.clone() }, &mut || 0).unwrap();
    assert_eq!(twelve[1].body["horizontal_angle"], 30);
    // Another model has no turntable: the other choices hold.
    let plus = plan(schema(PLUS), &body_with_prompt(), &c, &mut || 0).unwrap();
    assert_eq!(plus.iter().map(|j| j.body["guidance_scale"].clone()).collect::<Vec<_>>(), [json!(1), json!(2)]);
    // The views count with the images towards the limit.
    let many = json!({"image_urls": (0..5).map(|i| format!("https://a/{i}.png")).collect::<Vec<_>>()});
    assert_eq!(fields(plan(angles, &many, &Choices { turntable: 16, each_image: true, ..c }, &mut || 0)), ["variations"]);
    // The form's choice: only 0, 4, 8, 12 or 16.
    let m = |t: &str| Many { turntable: t.into(), ..Many::default() }.choices().turntable;
    assert_eq!((m("8"), m("16"), m("5"), m("x"), m("0")), (8, 16, 0, 0, 0));
}

fn body_with_prompt() -> Value {
    json!({"prompt": "p", "image_urls": ["https://a/1.png"]})
}
