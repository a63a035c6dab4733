//! The catalogue's JSON Schema read back as the few shapes the generators
//! need: operations with their arguments, structs with their fields, closed
//! sets with their names, error kinds with their fields.

use serde_json::Value;

/// A type as the bindings see it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// A signed 64-bit integer: an id, a cursor, a number.
    Int,
    /// A count or a size (unsigned).
    Count,
    Bool,
    Str,
    Decimal,
    Instant,
    /// A calendar day (`2026-03-31`).
    Date,
    /// Any JSON object (custom fields).
    Json,
    /// An item by id or SKU.
    ItemRef,
    /// A closed set of names (its definition's name).
    Set(String),
    /// A struct (its definition's name).
    Struct(String),
    /// A page of `T`, with its `next` cursor.
    Page(Box<Ty>),
    List(Box<Ty>),
    Optional(Box<Ty>),
}

impl Ty {
    /// The type without its `Optional`.
    pub fn required(&self) -> &Ty {
        match self {
            Ty::Optional(inner) => inner,
            other => other,
        }
    }
}

/// A field of a struct or an argument of an operation.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: Ty,
    /// Must be given (no default on the Rust side).
    pub required: bool,
    /// `null` means "clear it", distinct from leaving the field out.
    pub null_clears: bool,
    pub doc: String,
}

/// A closed set: its names and what each means.
pub struct Set {
    pub name: String,
    pub doc: String,
    pub values: Vec<(String, String)>,
}

/// A struct definition.
pub struct Struct {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
}

/// An operation.
pub struct Op {
    pub name: String,
    pub summary: String,
    pub writes: bool,
    pub keyed: bool,
    pub args: Vec<Field>,
    pub spread: Vec<String>,
    pub result: Ty,
}

/// An error kind.
pub struct ErrorKind {
    pub code: String,
    pub number: u64,
    pub summary: String,
    pub family: Option<String>,
    pub fields: Vec<Field>,
}

/// A family of error kinds, which the bindings give a common base class.
pub struct Family {
    pub name: String,
    /// The codes of its kinds.
    pub codes: Vec<String>,
    /// The fields every kind of the family has.
    pub shared: Vec<Field>,
}

/// The schema file, read.
pub struct Catalogue {
    pub root: Value,
}

impl Catalogue {
    pub fn new(root: Value) -> Catalogue {
        Catalogue { root }
    }

    fn defs(&self) -> &serde_json::Map<String, Value> {
        self.root["$defs"].as_object().expect("$defs")
    }

    pub fn def(&self, name: &str) -> &Value {
        &self.defs()[name]
    }

    /// The type of a property schema.
    pub fn ty(&self, s: &Value) -> Ty {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or(r);
            return self.named(name);
        }
        if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            let non_null: Vec<&Value> = any.iter().filter(|v| v["type"] != "null").collect();
            if non_null.len() == 1 && any.len() == 2 {
                return Ty::Optional(Box::new(self.ty(non_null[0])));
            }
        }
        match &s["type"] {
            Value::Array(types) => {
                let nullable = types.iter().any(|t| t == "null");
                let base: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                let mut one = s.clone();
                one["type"] = base.first().copied().cloned().unwrap_or(Value::Null);
                let inner = self.ty(&one);
                if nullable {
                    Ty::Optional(Box::new(inner))
                } else {
                    inner
                }
            }
            Value::String(t) => match t.as_str() {
                "integer" if s["format"] == "int64" => Ty::Int,
                "integer" => Ty::Count,
                "boolean" => Ty::Bool,
                "string" => Ty::Str,
                "array" => Ty::List(Box::new(self.ty(&s["items"]))),
                "object" if s["additionalProperties"] == true => Ty::Json,
                other => panic!("unsupported schema type {other}: {s}"),
            },
            _ => panic!("unsupported schema {s}"),
        }
    }

    fn named(&self, name: &str) -> Ty {
        match name {
            "Decimal" => Ty::Decimal,
            "Instant" => Ty::Instant,
            "Date" => Ty::Date,
            "ItemRef" => Ty::ItemRef,
            _ => {
                let def = self.def(name);
                if def.get("oneOf").is_some() && def["type"] == "string" {
                    Ty::Set(name.to_string())
                } else if def["type"] == "string" {
                    // Text with a grammar of its own (a period: `2026-03`).
                    Ty::Str
                } else if name.ends_with("Page") {
                    Ty::Page(Box::new(self.ty(&def["properties"]["items"]["items"])))
                } else {
                    Ty::Struct(name.to_string())
                }
            }
        }
    }

    /// The fields of an object schema, in declaration order.
    pub fn fields(&self, object: &Value) -> Vec<Field> {
        let required: Vec<&str> = object["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        object["properties"]
            .as_object()
            .map(|props| {
                props
                    .iter()
                    .map(|(name, s)| Field {
                        name: name.clone(),
                        ty: self.ty(s),
                        required: required.contains(&name.as_str()),
                        null_clears: s.get("x-null-clears") == Some(&Value::Bool(true)),
                        doc: first_paragraph(s["description"].as_str().unwrap_or("")),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn structure(&self, name: &str) -> Struct {
        let def = self.def(name);
        Struct {
            name: name.to_string(),
            doc: first_paragraph(def["description"].as_str().unwrap_or("")),
            fields: self.fields(def),
        }
    }

    /// Every closed set, in definition order.
    pub fn sets(&self) -> Vec<Set> {
        self.defs()
            .iter()
            .filter(|(_, d)| d.get("oneOf").is_some() && d["type"] == "string")
            .map(|(name, d)| Set {
                name: name.clone(),
                doc: first_paragraph(d["description"].as_str().unwrap_or("")),
                values: d["oneOf"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| {
                        (
                            v["const"].as_str().unwrap().to_string(),
                            first_paragraph(v["description"].as_str().unwrap_or("")),
                        )
                    })
                    .collect(),
            })
            .collect()
    }

    pub fn ops(&self) -> Vec<Op> {
        self.root["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| Op {
                name: o["name"].as_str().unwrap().to_string(),
                summary: o["summary"].as_str().unwrap_or("").to_string(),
                writes: o["writes"] == true,
                keyed: o["idempotency"] == "key",
                args: self.fields(&o["args"]),
                spread: o["spread"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
                result: self.ty(&o["result"]),
            })
            .collect()
    }

    pub fn errors(&self) -> Vec<ErrorKind> {
        self.root["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| ErrorKind {
                code: e["code"].as_str().unwrap().to_string(),
                number: e["number"].as_u64().unwrap(),
                summary: e["summary"].as_str().unwrap_or("").to_string(),
                family: e["family"].as_str().map(str::to_string),
                fields: self.fields(&e["fields"]),
            })
            .collect()
    }

    /// The families of error kinds, with the fields their kinds share.
    pub fn families(&self) -> Vec<Family> {
        let kinds = self.errors();
        let mut names: Vec<String> = kinds.iter().filter_map(|k| k.family.clone()).collect();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let members: Vec<&ErrorKind> = kinds
                    .iter()
                    .filter(|k| k.family.as_ref() == Some(&name))
                    .collect();
                let shared = members[0]
                    .fields
                    .iter()
                    .filter(|f| {
                        members
                            .iter()
                            .all(|m| m.fields.iter().any(|g| g.name == f.name))
                    })
                    .cloned()
                    .collect();
                Family {
                    codes: members.iter().map(|m| m.code.clone()).collect(),
                    name,
                    shared,
                }
            })
            .collect()
    }

    /// Structs reachable from `roots`, dependencies first.
    pub fn structs_from(&self, roots: &[Ty]) -> Vec<String> {
        fn walk(c: &Catalogue, ty: &Ty, out: &mut Vec<String>) {
            match ty {
                Ty::Struct(name) => {
                    if out.contains(name) {
                        return;
                    }
                    for f in c.fields(c.def(name)) {
                        walk(c, &f.ty, out);
                    }
                    if !out.contains(name) {
                        out.push(name.clone());
                    }
                }
                Ty::Page(t) | Ty::List(t) | Ty::Optional(t) => walk(c, t, out),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for r in roots {
            walk(self, r, &mut out);
        }
        out
    }
}

/// The first paragraph of a doc comment, on one line, without rustdoc's
/// link brackets.
pub fn first_paragraph(doc: &str) -> String {
    let para = doc.split("\n\n").next().unwrap_or("");
    let line = para.split_whitespace().collect::<Vec<_>>().join(" ");
    line.replace("[`", "`").replace("`]", "`")
}

/// `create_item` → `createItem`.
pub fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `not_found` → `NotFound`.
pub fn pascal(snake: &str) -> String {
    let c = camel(snake);
    let mut chars = c.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
