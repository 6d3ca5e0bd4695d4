//! A small, defensive XML tree for reading QTI packages.
//!
//! Packages come from other tools and from strangers, so reading refuses what could hurt:
//! any DOCTYPE (where entities — and "billion laughs" expansions — are declared), entity
//! references other than XML's five and character references, documents over
//! [`MAX_BYTES`], nesting deeper than [`MAX_DEPTH`] and more than [`MAX_NODES`] elements.

use quick_xml::events::Event;
use quick_xml::Reader;

pub const MAX_BYTES: usize = 1 << 20;
pub const MAX_DEPTH: usize = 64;
pub const MAX_NODES: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    /// The element's local name (any namespace prefix dropped).
    pub name: String,
    /// Attributes by their full name (`xml:lang` keeps its prefix).
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Child>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Child {
    Element(Node),
    Text(String),
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Node> {
        self.children.iter().filter_map(|c| match c {
            Child::Element(n) => Some(n),
            Child::Text(_) => None,
        })
    }

    /// The first descendant element (depth first) with this local name.
    pub fn find(&self, name: &str) -> Option<&Node> {
        self.elements().find_map(|n| {
            if n.name == name {
                Some(n)
            } else {
                n.find(name)
            }
        })
    }

    /// Every descendant element with this local name, in document order.
    pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        for n in self.elements() {
            if n.name == name {
                out.push(n);
            }
            n.find_all(name, out);
        }
    }

    /// All the text inside, trimmed.
    pub fn text(&self) -> String {
        fn collect(n: &Node, out: &mut String) {
            for c in &n.children {
                match c {
                    Child::Text(t) => out.push_str(t),
                    Child::Element(e) => collect(e, out),
                }
            }
        }
        let mut out = String::new();
        collect(self, &mut out);
        out.trim().to_string()
    }
}

fn local(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => name.to_string(),
    }
}

fn element(e: &quick_xml::events::BytesStart<'_>) -> Result<Node, String> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("a malformed attribute: {err}"))?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| format!("attribute {}: {err}", a.key.as_ref()))?;
        attrs.push((a.key.as_ref().to_string(), value.into_owned()));
    }
    Ok(Node {
        name: local(e.name().as_ref()),
        attrs,
        children: Vec::new(),
    })
}

/// Resolves `&name;` for XML's five entities and character references; anything else is
/// refused (no DTD may define more).
fn reference(name: &str) -> Result<String, String> {
    if let Some(s) = quick_xml::escape::resolve_predefined_entity(name) {
        return Ok(s.to_string());
    }
    let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        u32::from_str_radix(hex, 16).ok()
    } else if let Some(dec) = name.strip_prefix('#') {
        dec.parse().ok()
    } else {
        return Err(format!(
            "the entity &{name}; is not allowed: only XML's own five and character references are"
        ));
    };
    code.and_then(char::from_u32)
        .map(String::from)
        .ok_or_else(|| format!("&{name}; is not a valid character reference"))
}

/// Parses `text` into its root element.
pub fn parse(text: &str) -> Result<Node, String> {
    if text.len() > MAX_BYTES {
        return Err(format!(
            "the document is {} bytes; at most {MAX_BYTES} are accepted",
            text.len()
        ));
    }
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut nodes = 0usize;
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed XML near byte {at}: {e}"))?;
        match event {
            Event::DocType(_) => {
                return Err("a DOCTYPE declaration is not accepted (it can define entities)".into())
            }
            Event::Start(e) => {
                nodes += 1;
                if stack.len() >= MAX_DEPTH || nodes > MAX_NODES {
                    return Err(format!(
                        "the document is nested deeper than {MAX_DEPTH} or has more than {MAX_NODES} elements"
                    ));
                }
                stack.push(element(&e)?);
            }
            Event::Empty(e) => {
                nodes += 1;
                let node = element(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Child::Element(node)),
                    None if root.is_none() => root = Some(node),
                    None => return Err("more than one root element".into()),
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("an end tag without its start")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Child::Element(node)),
                    None if root.is_none() => root = Some(node),
                    None => return Err("more than one root element".into()),
                }
            }
            Event::Text(t) => {
                if let Some(parent) = stack.last_mut() {
                    parent
                        .children
                        .push(Child::Text(t.xml10_content().into_owned()));
                }
            }
            Event::CData(t) => {
                if let Some(parent) = stack.last_mut() {
                    parent
                        .children
                        .push(Child::Text(t.into_inner().into_owned()));
                }
            }
            Event::GeneralRef(r) => {
                let resolved = reference(&r.xml10_content())?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Child::Text(resolved));
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(format!(
            "the document ends inside <{}>",
            stack[stack.len() - 1].name
        ));
    }
    root.ok_or_else(|| "the document has no root element".into())
}

/// Escapes text for element content and attribute values.
pub fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_entities_and_attributes_read_back() {
        let n = parse(r#"<?xml version="1.0"?><a xml:lang="es" x="1 &lt; 2"><b>Tom &amp; Jerry &#233;&#x41;</b><c/></a>"#)
            .unwrap();
        assert_eq!(n.name, "a");
        assert_eq!(n.attr("xml:lang"), Some("es"));
        assert_eq!(n.attr("x"), Some("1 < 2"));
        assert_eq!(n.find("b").unwrap().text(), "Tom & Jerry éA");
        assert!(n.find("c").is_some());
    }

    #[test]
    fn hostile_documents_are_refused_with_a_reason() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><a>&lol2;</a>"#;
        assert!(parse(laughs).unwrap_err().contains("DOCTYPE"));
        let external = r#"<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>"#;
        assert!(parse(external).unwrap_err().contains("DOCTYPE"));
        assert!(parse("<a>&nbsp;</a>")
            .unwrap_err()
            .contains("&nbsp; is not allowed"));
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep).unwrap_err().contains("nested deeper"));
        let huge = format!("<a>{}</a>", "x".repeat(MAX_BYTES + 1));
        assert!(parse(&huge).unwrap_err().contains("at most"));
        assert!(parse("<a><b></a>").unwrap_err().contains("not well-formed"));
        assert!(parse("<a>").unwrap_err().contains("ends inside <a>"));
        assert!(parse("").unwrap_err().contains("no root"));
    }
}
