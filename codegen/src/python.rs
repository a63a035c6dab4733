//! The Python surface: `racine/_generated.py` (closed sets as `Literal`
//! types, result and input dataclasses, one typed method per operation)
//! and `racine/errors.py` (one exception class per error kind).

use std::fmt::Write;

use crate::model::{pascal, Catalogue, Field, Op, Ty};

const HEADER: &str =
    "# Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.\n";

/// Python's name of a type in a result (what Racine gives back).
fn out_ty(ty: &Ty) -> String {
    match ty {
        Ty::Int | Ty::Count => "int".into(),
        Ty::Bool => "bool".into(),
        Ty::Str => "str".into(),
        Ty::Decimal => "Decimal".into(),
        Ty::Instant => "datetime".into(),
        Ty::Date => "date".into(),
        Ty::Json => "Dict[str, Any]".into(),
        Ty::ItemRef => "Union[int, str]".into(),
        Ty::Set(name) | Ty::Struct(name) => name.clone(),
        Ty::Page(t) => format!("Page[{}]", out_ty(t)),
        Ty::List(t) => format!("List[{}]", out_ty(t)),
        Ty::Optional(t) => format!("Optional[{}]", out_ty(t)),
    }
}

/// Python's name of a type in an argument (what a caller may pass).
fn in_ty(ty: &Ty) -> String {
    match ty {
        Ty::Int => "IdLike".into(),
        Ty::Decimal => "DecimalLike".into(),
        Ty::ItemRef => "ItemLike".into(),
        Ty::Struct(name) => format!("Union[{name}, Mapping[str, Any]]"),
        Ty::Json => "Mapping[str, Any]".into(),
        Ty::List(t) => format!("Iterable[{}]", in_ty(t)),
        Ty::Optional(t) => format!("Optional[{}]", in_ty(t)),
        other => out_ty(other),
    }
}

/// An expression turning the raw JSON `raw` into a result of type `ty`.
fn build_expr(ty: &Ty, raw: &str) -> String {
    match ty {
        Ty::Decimal => format!("Decimal({raw})"),
        Ty::Instant => format!("parse_instant({raw})"),
        Ty::Date => format!("date.fromisoformat({raw})"),
        Ty::Json => format!("dict({raw})"),
        Ty::Struct(name) => format!("build({name}, {raw})"),
        Ty::Page(t) => match t.as_ref() {
            Ty::Struct(name) => format!("build_page({name}, {raw})"),
            _ => panic!("pages hold structs"),
        },
        Ty::List(t) => format!("[{} for r in {raw}]", build_expr(t, "r")),
        Ty::Optional(t) => format!("None if {raw} is None else {}", build_expr(t, raw)),
        Ty::Set(name) => format!("cast({name}, {raw})"),
        Ty::Str => format!("str({raw})"),
        Ty::Int | Ty::Count => format!("int({raw})"),
        Ty::Bool => format!("bool({raw})"),
        Ty::ItemRef => raw.to_string(),
    }
}

fn docstring(out: &mut String, indent: &str, text: &str) {
    let text = text.replace('\\', "\\\\").replace("\"\"\"", "'''");
    writeln!(out, "{indent}\"\"\"{text}\"\"\"").unwrap();
}

/// Fields ordered as a dataclass needs them: required first.
fn ordered(fields: &[Field]) -> Vec<&Field> {
    let mut v: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    v.extend(fields.iter().filter(|f| !f.required));
    v
}

/// A field's name as a Python parameter (`from` is a keyword: `from_`).
fn py_name(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "from", "import", "class", "def", "return", "lambda", "global", "pass", "in", "is", "not",
        "and", "or", "if", "else", "for", "while", "with", "as", "try", "except", "raise", "del",
    ];
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// A Python parameter: `name: type` plus its default.
fn param(f: &Field) -> String {
    let name = py_name(&f.name);
    if f.required {
        format!("{name}: {}", in_ty(&f.ty))
    } else if f.null_clears {
        format!("{name}: Any = UNSET")
    } else {
        let ty = in_ty(f.ty.required());
        format!("{name}: Optional[{ty}] = None")
    }
}

struct Method {
    params: Vec<String>,
    keyword_only: Vec<String>,
    body: Vec<String>,
    doc_args: Vec<String>,
}

fn method_parts(c: &Catalogue, op: &Op, skip: &[&str]) -> Method {
    let mut m = Method {
        params: Vec::new(),
        keyword_only: Vec::new(),
        body: Vec::new(),
        doc_args: Vec::new(),
    };
    let mut request = Vec::new();
    // Required arguments (and required fields of spread structs) are
    // positional, in order; optional ones keyword-only, except optional
    // top-level arguments other than the idempotency key.
    let mut positional_optional = Vec::new();
    for arg in &op.args {
        if op.spread.contains(&arg.name) {
            let Ty::Struct(name) = arg.ty.required() else {
                panic!("{}: spread {} is not a struct", op.name, arg.name)
            };
            let s = c.structure(name);
            let mut entries = Vec::new();
            let mut keep_null = Vec::new();
            for f in &s.fields {
                if skip.contains(&f.name.as_str()) {
                    continue;
                }
                if f.required {
                    m.params.push(param(f));
                } else {
                    m.keyword_only.push(param(f));
                }
                if f.null_clears {
                    keep_null.push(format!("{:?}", f.name));
                }
                entries.push(format!("{:?}: {}", f.name, py_name(&f.name)));
                if !f.doc.is_empty() {
                    m.doc_args.push(format!("{}: {}", py_name(&f.name), f.doc));
                }
            }
            let keep = if keep_null.is_empty() {
                String::new()
            } else {
                format!(", keep_null=({},)", keep_null.join(", "))
            };
            request.push(format!(
                "{:?}: args({{{}}}{keep})",
                arg.name,
                entries.join(", ")
            ));
        } else {
            if arg.required {
                m.params.push(param(arg));
            } else if arg.name == "idempotency_key" || arg.name == "summary" {
                m.keyword_only.push(param(arg));
            } else {
                positional_optional.push(param(arg));
            }
            request.push(format!("{:?}: {}", arg.name, py_name(&arg.name)));
            if !arg.doc.is_empty() {
                m.doc_args.push(format!("{}: {}", arg.name, arg.doc));
            }
        }
    }
    m.params.extend(positional_optional);
    let spread: Vec<String> = op.spread.iter().map(|s| format!("{s:?}")).collect();
    let spread = if spread.is_empty() {
        "()".to_string()
    } else {
        format!("({},)", spread.join(", "))
    };
    m.body.push(format!(
        "raw = self._run({:?}, args({{{}}}), {spread})",
        op.name,
        request.join(", ")
    ));
    m
}

fn signature(name: &str, m: &Method, ret: &str) -> String {
    let mut params = vec!["self".to_string()];
    params.extend(m.params.iter().cloned());
    if !m.keyword_only.is_empty() {
        params.push("*".into());
        params.extend(m.keyword_only.iter().cloned());
    }
    format!(
        "    def {name}(\n        {},\n    ) -> {ret}:",
        params.join(",\n        ")
    )
}

pub fn generated(c: &Catalogue) -> String {
    let ops = c.ops();
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str(
        r#""""Racine's catalogue in Python: every closed set as a ``Literal`` type,
every result and input as a frozen dataclass, every operation as a typed
method of :class:`Operations` (which :class:`racine.Database` extends).

Defaults are not restated here: an argument left as ``None`` is left out of
the request, and the core applies its own default. Decimals go to the core
as exact text, instants as RFC 3339; every check (types, closed sets,
floats, scale) is the core's, with the same error in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Dict, Generic, Iterable, Iterator, List, Literal, Mapping, Optional, Protocol, Tuple, TypeVar, Union, cast

from ._convert import UNSET, args, build, build_page, parse_instant

T = TypeVar("T")


class HasId(Protocol):
    """Any result object with an ``id`` (an :class:`Item`, a :class:`Warehouse`…)."""

    @property
    def id(self) -> int: ...


#: What a quantity or an amount may be given as. A ``float`` is refused by
#: the core: a binary float cannot hold most decimal amounts exactly.
DecimalLike = Union[Decimal, int, str]
#: An id, or any result object that has one.
IdLike = Union[int, HasId]
#: An item: its id, its SKU, or the item itself.
ItemLike = Union[int, str, HasId]

"#,
    );

    // Closed sets.
    out.push_str(
        "# -- closed sets ------------------------------------------------------------\n\n",
    );
    let sets = c.sets();
    for s in &sets {
        let names: Vec<String> = s.values.iter().map(|(v, _)| format!("{v:?}")).collect();
        writeln!(out, "{} = Literal[{}]", s.name, names.join(", ")).unwrap();
        docstring(&mut out, "", &s.doc);
        out.push('\n');
    }
    writeln!(out, "#: Every name of each closed set.").unwrap();
    writeln!(out, "CLOSED_SETS: Dict[str, Tuple[str, ...]] = {{").unwrap();
    for s in &sets {
        let names: Vec<String> = s.values.iter().map(|(v, _)| format!("{v:?}")).collect();
        writeln!(out, "    {:?}: ({},),", s.name, names.join(", ")).unwrap();
    }
    out.push_str("}\n\n\n");

    // Results and inputs.
    let results: Vec<Ty> = ops.iter().map(|o| o.result.clone()).collect();
    let mut result_structs = c.structs_from(&results);
    for e in c.errors() {
        for f in &e.fields {
            for s in c.structs_from(std::slice::from_ref(&f.ty)) {
                if !result_structs.contains(&s) {
                    result_structs.push(s);
                }
            }
        }
    }
    // Structs a caller passes: non-spread arguments, and the fields of
    // spread ones (an order's lines…).
    let mut arg_types: Vec<Ty> = Vec::new();
    for o in &ops {
        for a in &o.args {
            if o.spread.contains(&a.name) {
                if let Ty::Struct(name) = a.ty.required() {
                    arg_types.extend(c.structure(name).fields.into_iter().map(|f| f.ty));
                }
            } else {
                arg_types.push(a.ty.clone());
            }
        }
    }
    let input_structs: Vec<String> = c
        .structs_from(&arg_types)
        .into_iter()
        .filter(|s| !result_structs.contains(s))
        .collect();

    out.push_str(
        "# -- results ------------------------------------------------------------------\n\n",
    );
    out.push_str(
        r#"@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; pass ``next`` as ``after`` for the next page
    (or use the ``iter_…`` method, which pages to the end)."""

    items: List[T]
    next: Optional[int] = None


"#,
    );
    for name in &result_structs {
        let s = c.structure(name);
        writeln!(out, "@dataclass(frozen=True)\nclass {name}:").unwrap();
        docstring(&mut out, "    ", &s.doc);
        out.push('\n');
        // A result field defaults to None only when optional and absent;
        // fields without a default come first, as a dataclass needs.
        let defaulted = |f: &&Field| matches!(f.ty, Ty::Optional(_)) && !f.required;
        let mut fields: Vec<&Field> = s.fields.iter().filter(|f| !defaulted(f)).collect();
        fields.extend(s.fields.iter().filter(defaulted));
        for f in fields {
            let ty = out_ty(&f.ty);
            if matches!(f.ty, Ty::Optional(_)) && !f.required {
                writeln!(out, "    {}: {ty} = None", f.name).unwrap();
            } else {
                writeln!(out, "    {}: {ty}", f.name).unwrap();
            }
            if !f.doc.is_empty() {
                docstring(&mut out, "    ", &f.doc);
            }
        }
        out.push_str("\n\n");
    }

    out.push_str(
        "# -- inputs -------------------------------------------------------------------\n\n",
    );
    for name in &input_structs {
        let s = c.structure(name);
        writeln!(out, "@dataclass(frozen=True)\nclass {name}:").unwrap();
        docstring(&mut out, "    ", &s.doc);
        out.push('\n');
        for f in ordered(&s.fields) {
            if f.required {
                writeln!(out, "    {}: {}", f.name, in_ty(&f.ty)).unwrap();
            } else {
                writeln!(
                    out,
                    "    {}: Optional[{}] = None",
                    f.name,
                    in_ty(f.ty.required())
                )
                .unwrap();
            }
            if !f.doc.is_empty() {
                docstring(&mut out, "    ", &f.doc);
            }
        }
        out.push_str("\n\n");
    }

    // Operations.
    out.push_str(
        "# -- operations -------------------------------------------------------------\n\n",
    );
    out.push_str(
        r#"class Operations:
    """Every operation of the catalogue, one typed method each."""

    def _run(self, op: str, request: Dict[str, Any], spread: Tuple[str, ...]) -> Any:
        raise NotImplementedError

"#,
    );
    for op in &ops {
        let m = method_parts(c, op, &[]);
        let ret = out_ty(&op.result);
        out.push_str(&signature(&op.name, &m, &ret));
        out.push('\n');
        let mut doc = op.summary.clone();
        if op.keyed {
            doc.push_str(
                "\n\n        With ``idempotency_key``, the same request again returns the first\n        result and writes nothing.",
            );
        }
        if !m.doc_args.is_empty() {
            doc.push_str("\n\n        ");
            doc.push_str(&m.doc_args.join("\n        "));
        }
        doc.push_str("\n        ");
        docstring(&mut out, "        ", &doc);
        for line in &m.body {
            writeln!(out, "        {line}").unwrap();
        }
        writeln!(out, "        return {}", build_expr(&op.result, "raw")).unwrap();
        out.push('\n');

        // Listings also page to the end.
        if let Ty::Page(item) = &op.result {
            let m = method_parts(c, op, &["after"]);
            let mut call_args: Vec<String> = m
                .params
                .iter()
                .chain(m.keyword_only.iter())
                .map(|p| {
                    let name = p.split(':').next().unwrap().trim();
                    format!("{name}={name}")
                })
                .collect();
            call_args.push("after=after".into());
            out.push_str(&signature(
                &format!("iter_{}", op.name),
                &m,
                &format!("Iterator[{}]", out_ty(item)),
            ));
            out.push('\n');
            docstring(
                &mut out,
                "        ",
                &format!(
                    "Every row of ``{}``, fetched page by page (``limit`` rows a page).",
                    op.name
                ),
            );
            writeln!(out, "        after: Optional[int] = None").unwrap();
            writeln!(out, "        while True:").unwrap();
            writeln!(
                out,
                "            page = self.{}({})",
                op.name,
                call_args.join(", ")
            )
            .unwrap();
            writeln!(out, "            yield from page.items").unwrap();
            writeln!(out, "            if page.next is None:").unwrap();
            writeln!(out, "                return").unwrap();
            writeln!(out, "            after = page.next").unwrap();
            out.push('\n');
        }
    }
    out.push('\n');

    // Names.
    let mut names: Vec<String> = vec![
        "DecimalLike".into(),
        "IdLike".into(),
        "ItemLike".into(),
        "HasId".into(),
        "Page".into(),
        "Operations".into(),
        "CLOSED_SETS".into(),
        "OPERATIONS".into(),
    ];
    names.extend(sets.iter().map(|s| s.name.clone()));
    names.extend(result_structs.iter().cloned());
    // `Movement` is exported by the hand-written layer, with its builders.
    names.extend(input_structs.iter().filter(|n| *n != "Movement").cloned());
    writeln!(
        out,
        "#: Fractional digits of every decimal (the typed paths speak integers of this scale).\nDECIMAL_SCALE = {}\n",
        c.root["decimal_scale"]
    )
    .unwrap();
    names.push("DECIMAL_SCALE".into());
    let r = &c.root["refusals"];
    writeln!(
        out,
        "#: The core's refusals of a value that Python's own JSON encoder gives up on\n#: first (nested too deeply), and the message of an invalid-input error.\nTOO_DEEP = {}\nINVALID_INPUT_MESSAGE = {}\n",
        r["too_deep"], r["message"]
    )
    .unwrap();
    writeln!(out, "#: Every operation of the catalogue, by name.").unwrap();
    let op_names: Vec<String> = ops.iter().map(|o| format!("{:?}", o.name)).collect();
    writeln!(
        out,
        "OPERATIONS: Tuple[str, ...] = ({},)\n",
        op_names.join(", ")
    )
    .unwrap();
    let quoted: Vec<String> = names.iter().map(|n| format!("    {n:?},")).collect();
    writeln!(out, "__all__ = [\n{}\n]", quoted.join("\n")).unwrap();
    out
}

/// Python base classes a kind also gets, so that ordinary handlers catch it.
fn builtin_base(code: &str) -> Option<&'static str> {
    match code {
        "not_found" => Some("LookupError"),
        "invalid_input" => Some("ValueError"),
        "storage" => Some("OSError"),
        _ => None,
    }
}

pub fn errors(c: &Catalogue) -> String {
    let kinds = c.errors();
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str(
        r#""""Racine's exceptions: one class per error kind of the catalogue, with its
structured fields.

Every error carries ``code`` (the stable snake_case name shared by every
binding), ``message`` and ``details`` (all fields as a dict); the classes
below also expose their fields as attributes, with quantities as
:class:`decimal.Decimal`. A failed call has written nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional, Type

from ._convert import parse_instant

"#,
    );
    // Decimal fields, anywhere in the details (top level or in lists of lines).
    let mut decimals: Vec<String> = Vec::new();
    for k in &kinds {
        for f in &k.fields {
            let mut push = |n: &str| {
                if !decimals.contains(&n.to_string()) {
                    decimals.push(n.to_string());
                }
            };
            if *f.ty.required() == Ty::Decimal {
                push(&f.name);
            }
            if let Ty::List(inner) = f.ty.required() {
                if let Ty::Struct(s) = inner.as_ref() {
                    for sf in c.structure(s).fields {
                        if *sf.ty.required() == Ty::Decimal {
                            push(&sf.name);
                        }
                    }
                }
            }
        }
    }
    decimals.sort();
    let quoted: Vec<String> = decimals.iter().map(|d| format!("{d:?}")).collect();
    writeln!(out, "_DECIMAL_FIELDS = {{{}}}\n", quoted.join(", ")).unwrap();
    // Instant fields at the top level of the details.
    let mut instants: Vec<String> = kinds
        .iter()
        .flat_map(|k| k.fields.iter())
        .filter(|f| *f.ty.required() == Ty::Instant)
        .map(|f| format!("{:?}", f.name))
        .collect();
    instants.sort();
    instants.dedup();
    writeln!(out, "_INSTANT_FIELDS = {{{}}}\n", instants.join(", ")).unwrap();
    let mut all = vec!["RacineError".to_string()];
    out.push_str(
        r#"

class RacineError(Exception):
    """Base of every Racine error."""

    code: str = "racine_error"

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: Dict[str, Any] = dict(details or {})
        #: Zero-based index of the failing entry when the error came from a batch.
        self.index: Optional[int] = self.details.get("index")
        # Every other field becomes an attribute; decimals (also inside a
        # list of lines) become Decimal, instants aware datetimes.
        for name, value in self.details.items():
            if isinstance(value, list):
                value = [
                    {k: Decimal(v) if k in _DECIMAL_FIELDS else v for k, v in entry.items()}
                    if isinstance(entry, dict)
                    else entry
                    for entry in value
                ]
            elif name in _DECIMAL_FIELDS:
                value = Decimal(value)
            elif name in _INSTANT_FIELDS and value is not None:
                value = parse_instant(value)
            if name not in ("code", "message", "index"):
                setattr(self, name, value)

"#,
    );
    // Families: a common base class with the fields all its members share.
    for fam in c.families() {
        let class = format!("{}Error", pascal(&fam.name));
        all.push(class.clone());
        writeln!(out, "\nclass {class}(RacineError):").unwrap();
        docstring(
            &mut out,
            "    ",
            &format!(
                "Every refusal of the {} family: {}.",
                fam.name,
                fam.codes.join(", ")
            ),
        );
        out.push('\n');
        for f in &fam.shared {
            writeln!(out, "    {}: {}", f.name, err_ty(&f.ty)).unwrap();
        }
        out.push('\n');
    }
    for k in &kinds {
        let class = format!("{}Error", pascal(&k.code));
        all.push(class.clone());
        let mut bases = vec![match &k.family {
            Some(f) => format!("{}Error", pascal(f)),
            None => "RacineError".into(),
        }];
        if let Some(b) = builtin_base(&k.code) {
            bases.push(b.into());
        }
        writeln!(out, "\nclass {class}({}):", bases.join(", ")).unwrap();
        docstring(
            &mut out,
            "    ",
            &format!("{} (status {})", k.summary, k.number),
        );
        out.push('\n');
        writeln!(out, "    code = {:?}", k.code).unwrap();
        for f in &k.fields {
            writeln!(out, "    {}: {}", f.name, err_ty(&f.ty)).unwrap();
        }
        out.push('\n');
    }
    all.push("DatabaseClosedError".into());
    out.push_str(
        r#"
class DatabaseClosedError(RacineError):
    """The database was closed (``close()``); reopen it to go on."""

    code = "closed"


_BY_CODE: Dict[str, Type[RacineError]] = {
"#,
    );
    for k in &kinds {
        writeln!(out, "    {:?}: {}Error,", k.code, pascal(&k.code)).unwrap();
    }
    out.push_str("    \"closed\": DatabaseClosedError,\n}\n");
    out.push_str(
        r#"

def _from_details(details_json: str) -> RacineError:
    """Builds the exception for a core error's JSON details (used by the
    native module)."""
    details: Dict[str, Any] = json.loads(details_json)
    cls = _BY_CODE.get(str(details.get("code")), RacineError)
    return cls(str(details.get("message", "")), details)

"#,
    );
    let quoted: Vec<String> = all.iter().map(|n| format!("    {n:?},")).collect();
    writeln!(out, "\n__all__ = [\n{}\n]", quoted.join("\n")).unwrap();
    out
}

fn err_ty(ty: &Ty) -> String {
    match ty.required() {
        Ty::List(_) => "List[Dict[str, Any]]".into(),
        Ty::Decimal => "Decimal".into(),
        Ty::Int => "int".into(),
        Ty::Str => "str".into(),
        Ty::Bool => "bool".into(),
        Ty::Instant if matches!(ty, Ty::Optional(_)) => "Optional[datetime]".into(),
        Ty::Instant => "datetime".into(),
        _ => "Any".into(),
    }
}
