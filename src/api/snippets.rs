//! Code for the current form, in the style of the seed document: curl,
//! JavaScript `fetch` and Python `http.client`, for the submit and for the
//! status and result calls that follow. The key is `YOUR_API_KEY` unless
//! the person asks for the real one.

use serde_json::Value;

use super::origin::split_origin;
use super::url::submit_url;
use super::AuthScheme;

pub const KEY_PLACEHOLDER: &str = "YOUR_API_KEY";
pub const ID_PLACEHOLDER: &str = "REQUEST_ID";

#[derive(Clone, Debug, PartialEq)]
pub struct Snippets {
    pub curl: String,
    pub js: String,
    pub python: String,
}

/// A JSON value as a literal, one item a line, each level indented by
/// `indent`: JSON's words, or Python's (`True`, `False`, `None`). The same
/// text as serde_json's pretty printer, without a second serializer.
pub fn literal(v: &Value, indent: &str, depth: usize, python: bool) -> String {
    let pad = indent.repeat(depth + 1);
    let end = indent.repeat(depth);
    let item = |x: &Value| literal(x, indent, depth + 1, python);
    match v {
        Value::Null if python => "None".into(),
        Value::Bool(true) if python => "True".into(),
        Value::Bool(false) if python => "False".into(),
        Value::Array(a) if !a.is_empty() => format!("[\n{}\n{end}]", a.iter().map(|x| format!("{pad}{}", item(x))).collect::<Vec<_>>().join(",\n")),
        Value::Object(o) if !o.is_empty() => format!(
            "{{\n{}\n{end}}}",
            o.iter().map(|(k, x)| format!("{pad}{}: {}", Value::from(k.as_str()), item(x))).collect::<Vec<_>>().join(",\n")
        ),
        _ => v.to_string(),
    }
}

/// JSON, indented by two spaces a level.
pub fn pretty(v: &Value) -> String {
    literal(v, "  ", 0, false)
}

/// For a single-quoted shell argument.
fn shell(s: &str) -> String {
    s.replace('\'', r"'\''")
}

pub fn build(base: &str, model: &str, scheme: AuthScheme, key: Option<&str>, body: &Value) -> Snippets {
    let url = submit_url(base, model);
    let auth = scheme.header_value(key.unwrap_or(KEY_PLACEHOLDER));
    let status = format!("{url}/requests/{ID_PLACEHOLDER}/status?logs=1");
    let result = format!("{url}/requests/{ID_PLACEHOLDER}");
    let (host, path) = split_origin(&url).unwrap_or_default();
    let host = host.split_once("://").map_or(host.as_str(), |(_, h)| h).to_string();
    let https = url.starts_with("https://");
    let curl = format!(
        "curl --location --request POST '{url}' --header 'Authorization: {auth}' --header 'Content-Type: application/json' --data-raw '{}'\n\n\
         # then, with the request_id from the answer:\n\
         curl --location '{status}' --header 'Authorization: {auth}'\n\
         curl --location '{result}' --header 'Authorization: {auth}'",
        shell(&literal(body, "    ", 0, false)),
        auth = shell(&auth),
    );
    let js = format!(
        "var myHeaders = new Headers();\nmyHeaders.append(\"Authorization\", {auth});\nmyHeaders.append(\"Content-Type\", \"application/json\");\n\n\
         var raw = JSON.stringify({body});\n\n\
         var requestOptions = {{\n  method: 'POST',\n  headers: myHeaders,\n  body: raw,\n  redirect: 'follow'\n}};\n\n\
         fetch({url_js}, requestOptions)\n  .then(response => response.json())\n  .then(async ticket => {{\n    \
         // Follow the job, then fetch its result.\n    \
         const headers = {{ Authorization: {auth} }};\n    \
         for (;;) {{\n      \
         const s = await (await fetch(`{url}/requests/${{ticket.request_id}}/status?logs=1`, {{ headers }})).json();\n      \
         if (s.status === 'COMPLETED') break;\n      \
         await new Promise(r => setTimeout(r, 1000));\n    }}\n    \
         const result = await (await fetch(`{url}/requests/${{ticket.request_id}}`, {{ headers }})).json();\n    \
         console.log(result.images);\n  }})\n  .catch(error => console.log('error', error));",
        auth = Value::from(auth.as_str()),
        body = pretty(body),
        url_js = Value::from(url.as_str()),
    );
    let conn = if https { "HTTPSConnection" } else { "HTTPConnection" };
    let python = format!(
        "import http.client\nimport json\nimport time\n\n\
         conn = http.client.{conn}({host})\npayload = json.dumps({payload})\nheaders = {{\n  'Authorization': {auth},\n  'Content-Type': 'application/json'\n}}\n\
         conn.request(\"POST\", {path}, payload, headers)\nticket = json.loads(conn.getresponse().read())\n\n\
         # Follow the job, then fetch its result.\n\
         while True:\n    conn.request(\"GET\", {path} + \"/requests/\" + ticket[\"request_id\"] + \"/status?logs=1\", headers=headers)\n    \
         if json.loads(conn.getresponse().read())[\"status\"] == \"COMPLETED\":\n        break\n    time.sleep(1)\n\
         conn.request(\"GET\", {path} + \"/requests/\" + ticket[\"request_id\"], headers=headers)\n\
         print(json.loads(conn.getresponse().read())[\"images\"])",
        host = Value::from(host.as_str()),
        payload = literal(body, "  ", 0, true),
        auth = Value::from(auth.as_str()),
        path = Value::from(path.as_str()),
    );
    Snippets { curl, js, python }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body() -> Value {
        json!({"prompt": "Close shot portrait of a woman in front of this car on this highway", "image_urls": ["https://v3.fal.media/files/monkey/i3saq4bAPXSIl08nZtq9P.png"], "enable_safety_checker": false})
    }

    #[test]
    fn curl_matches_the_seed_style() {
        let s = build("https://api.quickrouter.ai", "fal-ai/qwen-image-edit-plus", AuthScheme::Bearer, None, &body());
        let expected_first = "curl --location --request POST 'https://api.quickrouter.ai/fal-ai/qwen-image-edit-plus' --header 'Authorization: Bearer YOUR_API_KEY' --header 'Content-Type: application/json' --data-raw '{\n    \"enable_safety_checker\": false,\n    \"image_urls\": [\n        \"https://v3.fal.media/files/monkey/i3saq4bAPXSIl08nZtq9P.png\"\n    ],\n    \"prompt\": \"Close shot portrait of a woman in front of this car on this highway\"\n}'";
        assert!(s.curl.starts_with(expected_first), "{}", s.curl);
        assert!(s.curl.contains("curl --location 'https://api.quickrouter.ai/fal-ai/qwen-image-edit-plus/requests/REQUEST_ID/status?logs=1' --header 'Authorization: Bearer YOUR_API_KEY'"));
    }

    #[test]
    fn the_key_is_a_placeholder_unless_asked_for_and_quotes_are_escaped() {
        let b = json!({"prompt": "it's", "image_urls": ["https://a/x.png"]});
        let s = build("https://queue.fal.run", "m/n", AuthScheme::Key, None, &b);
        for text in [&s.curl, &s.js, &s.python] {
            assert!(text.contains("Key YOUR_API_KEY"));
        }
        assert!(s.curl.contains(r#""prompt": "it'\''s""#), "{}", s.curl);
        let s = build("https://queue.fal.run", "m/n", AuthScheme::Key, Some("abc:123"), &b);
        assert!(s.curl.contains("Key abc:123") && s.js.contains("Key abc:123") && s.python.contains("Key abc:123"));
    }

    #[test]
    fn js_and_python_follow_the_seed() {
        let s = build("https://api.quickrouter.ai", "fal-ai/qwen-image-edit-plus", AuthScheme::Bearer, None, &body());
        assert!(s.js.starts_with("var myHeaders = new Headers();\nmyHeaders.append(\"Authorization\", \"Bearer YOUR_API_KEY\");\nmyHeaders.append(\"Content-Type\", \"application/json\");\n\nvar raw = JSON.stringify({\n  \"enable_safety_checker\": false,"), "{}", s.js);
        assert!(s.js.contains("fetch(\"https://api.quickrouter.ai/fal-ai/qwen-image-edit-plus\", requestOptions)"));
        assert!(s.python.starts_with("import http.client\nimport json\nimport time\n\nconn = http.client.HTTPSConnection(\"api.quickrouter.ai\")\npayload = json.dumps({\n  \"enable_safety_checker\": False,\n  \"image_urls\": [\n    \"https://v3.fal.media/files/monkey/i3saq4bAPXSIl08nZtq9P.png\"\n  ],"), "{}", s.python);
        assert!(s.python.contains("conn.request(\"POST\", \"/fal-ai/qwen-image-edit-plus\", payload, headers)"));
        let local = build("http://127.0.0.1:8787", "m/n", AuthScheme::Bearer, None, &body());
        assert!(local.python.contains("HTTPConnection(\"127.0.0.1:8787\")"));
    }

    /// Our printer writes what serde_json's pretty printer wrote.
    #[test]
    fn pretty_is_serde_jsons_pretty() {
        let v = json!({"prompt": "a \"cat\"\n猫", "image_urls": ["https://a/1.png", "data:x"], "seed": 42, "guidance_scale": 4.5,
            "sync_mode": false, "empty": [], "none": {}, "nested": {"loras": [{"path": "p", "scale": 1}], "n": null}});
        for x in [v.clone(), json!([]), json!(null), json!("s"), json!([[1, [2]], {}])] {
            assert_eq!(pretty(&x), serde_json::to_string_pretty(&x).unwrap());
        }
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, serde_json::ser::PrettyFormatter::with_indent(b"    "));
        serde::Serialize::serialize(&v, &mut ser).unwrap();
        assert_eq!(literal(&v, "    ", 0, false), String::from_utf8(out).unwrap());
        assert_eq!(literal(&json!({"a": [true, null]}), "  ", 0, true), "{\n  \"a\": [\n    True,\n    None\n  ]\n}");
    }
}
