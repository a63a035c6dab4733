//! The PHP surface: `src/Generated/Operations.php` (a trait with one typed
//! method per operation, PHPDoc array shapes for arguments and results),
//! one exception class per error kind, the contract `Racine\RacineInterface`
//! and the Laravel facade with its docblock.

use std::fmt::Write;

use crate::model::{camel, pascal, Catalogue, Field, Op, Ty};
use crate::Generated;

const HEADER: &str =
    "// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.";

/// The PHPDoc type of a value in a result.
fn out_doc(c: &Catalogue, ty: &Ty, depth: usize) -> String {
    match ty {
        Ty::Int | Ty::Count => "int".into(),
        Ty::Bool => "bool".into(),
        Ty::Str | Ty::Decimal => "string".into(),
        Ty::Instant => "\\DateTimeImmutable".into(),
        Ty::Date => "string".into(),
        Ty::Json => "array<string, mixed>".into(),
        Ty::ItemRef => "int|string".into(),
        Ty::Set(name) => set_doc(c, name),
        Ty::Struct(name) => shape(c, name, depth, true),
        Ty::Page(t) => format!(
            "array{{items: list<{}>, next: int|null}}",
            out_doc(c, t, depth + 1)
        ),
        Ty::List(t) => format!("list<{}>", out_doc(c, t, depth + 1)),
        Ty::Optional(t) => format!("{}|null", out_doc(c, t, depth)),
    }
}

/// The PHPDoc type of a value a caller passes.
fn in_doc(c: &Catalogue, ty: &Ty, depth: usize) -> String {
    match ty {
        Ty::Decimal => "string|int".into(),
        Ty::Instant => "\\DateTimeInterface".into(),
        Ty::Struct(name) => shape(c, name, depth, false),
        Ty::List(t) => format!("list<{}>", in_doc(c, t, depth + 1)),
        Ty::Optional(t) => format!("{}|null", in_doc(c, t, depth)),
        other => out_doc(c, other, depth),
    }
}

fn set_doc(c: &Catalogue, name: &str) -> String {
    c.sets()
        .into_iter()
        .find(|s| s.name == name)
        .map(|s| {
            s.values
                .iter()
                .map(|(v, _)| format!("'{v}'"))
                .collect::<Vec<_>>()
                .join("|")
        })
        .unwrap_or_else(|| "string".into())
}

/// `array{a: int, b?: string}`, nested two levels deep, then `array<string, mixed>`.
fn shape(c: &Catalogue, name: &str, depth: usize, out: bool) -> String {
    if depth > 2 {
        return "array<string, mixed>".into();
    }
    let s = c.structure(name);
    let fields: Vec<String> = s
        .fields
        .iter()
        .map(|f| {
            let ty = if out {
                out_doc(c, &f.ty, depth + 1)
            } else {
                in_doc(c, &f.ty, depth + 1)
            };
            let opt = if out || f.required { "" } else { "?" };
            format!("{}{opt}: {ty}", f.name)
        })
        .collect();
    format!("array{{{}}}", fields.join(", "))
}

/// The native PHP type declaration of a parameter.
fn php_type(ty: &Ty) -> String {
    match ty {
        Ty::Int | Ty::Count => "int".into(),
        Ty::Bool => "bool".into(),
        Ty::Str | Ty::Set(_) | Ty::Date => "string".into(),
        Ty::Decimal => "string|int|float".into(),
        Ty::Instant => "\\DateTimeInterface".into(),
        Ty::ItemRef => "int|string".into(),
        Ty::Struct(_) | Ty::Page(_) | Ty::List(_) | Ty::Json => "array".into(),
        Ty::Optional(t) => {
            let inner = php_type(t);
            if inner.contains('|') {
                format!("{inner}|null")
            } else {
                format!("?{inner}")
            }
        }
    }
}

fn php_return(ty: &Ty) -> String {
    match ty {
        Ty::Struct(_) | Ty::Page(_) | Ty::List(_) | Ty::Json => "array".into(),
        Ty::Decimal | Ty::Str | Ty::Set(_) => "string".into(),
        Ty::Int | Ty::Count => "int".into(),
        Ty::Bool => "bool".into(),
        _ => "mixed".into(),
    }
}

struct Method {
    name: String,
    params: Vec<String>,
    docs: Vec<String>,
    body: String,
    ret: String,
    ret_doc: String,
}

fn method(c: &Catalogue, op: &Op) -> Method {
    let mut params = Vec::new();
    let mut docs = Vec::new();
    let mut request = Vec::new();
    let mut optional = Vec::new();
    let mut tail = Vec::new();
    for arg in &op.args {
        if op.spread.contains(&arg.name) {
            let Ty::Struct(name) = arg.ty.required() else {
                panic!("spread of a non-struct")
            };
            let s = c.structure(name);
            let mut parts = Vec::new();
            for f in s.fields.iter().filter(|f| f.required) {
                let var = camel(&f.name);
                params.push(format!("{} ${var}", php_type(&f.ty)));
                docs.push(format!("@param {} ${var} {}", in_doc(c, &f.ty, 1), f.doc));
                parts.push(format!("'{}' => ${var}", f.name));
            }
            let rest: Vec<&Field> = s.fields.iter().filter(|f| !f.required).collect();
            let mut expr = format!("[{}]", parts.join(", "));
            if !rest.is_empty() {
                let var = if parts.is_empty() {
                    camel(&arg.name)
                } else {
                    "options".to_string()
                };
                let shape: Vec<String> = rest
                    .iter()
                    .map(|f| format!("{}?: {}", f.name, in_doc(c, f.ty.required(), 2)))
                    .collect();
                docs.push(format!(
                    "@param array{{{}}} ${var} {}",
                    shape.join(", "),
                    rest.iter()
                        .map(|f| f.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                optional.push(format!("array ${var} = []"));
                expr = if parts.is_empty() {
                    format!("(object) ${var}")
                } else {
                    format!("[{}] + ${var}", parts.join(", "))
                };
            }
            request.push(format!("'{}' => {expr}", arg.name));
        } else {
            let var = camel(&arg.name);
            let doc = format!("@param {} ${var} {}", in_doc(c, &arg.ty, 1), arg.doc);
            if arg.required {
                params.push(format!("{} ${var}", php_type(&arg.ty)));
                docs.push(doc);
            } else {
                let decl = php_type(&Ty::Optional(Box::new(arg.ty.required().clone())));
                let p = format!("{decl} ${var} = null");
                let d = format!(
                    "@param {}|null ${var} {}",
                    in_doc(c, arg.ty.required(), 1),
                    arg.doc
                );
                if arg.name == "idempotency_key" {
                    tail.push((p, d));
                } else {
                    optional.push(p);
                    docs.push(d);
                }
            }
            request.push(format!("'{}' => ${var}", arg.name));
        }
    }
    params.extend(optional);
    for (p, d) in tail {
        params.push(p);
        docs.push(d);
    }
    Method {
        name: camel(&op.name),
        params,
        docs,
        body: format!(
            "return $this->call('{}', [{}]);",
            op.name,
            request.join(", ")
        ),
        ret: php_return(&op.result),
        ret_doc: out_doc(c, &op.result, 1),
    }
}

/// An operation's PHPDoc: its summary, the idempotency note, parameters and result.
fn doc_block(out: &mut String, op: &Op, m: &Method) {
    writeln!(out, "    /**\n     * {}", op.summary).unwrap();
    if op.keyed {
        out.push_str("     * With $idempotencyKey, the same request again returns the first result and writes nothing.\n");
    }
    out.push_str("     *\n");
    for d in &m.docs {
        writeln!(out, "     * {}", d.trim_end()).unwrap();
    }
    writeln!(out, "     * @return {}\n     */", m.ret_doc).unwrap();
}

fn operations(c: &Catalogue) -> String {
    let mut out = prologue("Racine\\Generated");
    out.push_str(
        r#"/**
 * Every operation of Racine's catalogue as a typed method; Racine\Database
 * uses this trait and adds the connection and a few conveniences.
 *
 * Decimals are strings ("12.5") or ints; a float is refused by the core.
 * Defaults are the core's: an argument left null is left out of the request.
 * Every refusal is a Racine\Exception\RacineException subclass, and writes
 * nothing.
 */
trait Operations
{
    /**
     * Runs one request of the JSON entry point.
     *
     * @param array<string, mixed> $args
     */
    abstract public function call(string $op, array $args = []): mixed;
"#,
    );
    for op in c.ops() {
        let m = method(c, &op);
        out.push('\n');
        doc_block(&mut out, &op, &m);
        writeln!(
            out,
            "    public function {}({}): {}\n    {{\n        {}\n    }}",
            m.name,
            m.params.join(", "),
            m.ret,
            m.body
        )
        .unwrap();
    }
    out.push_str("}\n");
    out
}

/// The names of result fields that hold instants (turned into DateTimeImmutable).
fn instant_fields(c: &Catalogue) -> Vec<String> {
    let results: Vec<Ty> = c.ops().iter().map(|o| o.result.clone()).collect();
    let mut names = Vec::new();
    for s in c.structs_from(&results) {
        for f in c.structure(&s).fields {
            if *f.ty.required() == Ty::Instant && !names.contains(&f.name) {
                names.push(f.name.clone());
            }
        }
    }
    names
}

/// The opening of a generated PHP file in `namespace`.
fn prologue(namespace: &str) -> String {
    format!("<?php\n\n{HEADER}\n\ndeclare(strict_types=1);\n\nnamespace {namespace};\n\n")
}

/// The readonly properties of `fields` and the constructor that reads
/// them from the error's details.
fn members(out: &mut String, fields: &[&Field]) {
    for f in fields {
        let (ty, _) = php_field_type(&f.ty);
        if matches!(f.ty.required(), Ty::List(_)) {
            writeln!(out, "    /** @var list<array<string, mixed>> {} */", f.doc).unwrap();
        } else {
            writeln!(out, "    /** {} */", f.doc).unwrap();
        }
        writeln!(out, "    public readonly {ty} ${};", camel(&f.name)).unwrap();
    }
    out.push_str(
        "\n    /** @param array<string, mixed> $details */\n    public function __construct(string $message, array $details = [], ?\\Throwable $previous = null)\n    {\n        parent::__construct($message, $details, $previous);\n",
    );
    for f in fields {
        let (_, conv) = php_field_type(&f.ty);
        writeln!(
            out,
            "        $this->{} = {};",
            camel(&f.name),
            conv.replace("{f}", &f.name)
        )
        .unwrap();
    }
    out.push_str("    }\n");
}

fn catalogue_class(c: &Catalogue) -> String {
    let mut out = prologue("Racine\\Generated");
    out.push_str(
        "/** What the catalogue lists: operations, error codes, closed sets. */\nfinal class Catalogue\n{\n",
    );
    writeln!(
        out,
        "    /** Fractional digits of every decimal (the typed C functions speak integers of this scale). */\n    public const DECIMAL_SCALE = {};\n",
        c.root["decimal_scale"]
    )
    .unwrap();
    writeln!(
        out,
        "    /** Schema version of the database files this library writes. */\n    public const SCHEMA_VERSION = {};\n",
        c.root["schema_version"]
    )
    .unwrap();
    let r = &c.root["refusals"];
    writeln!(
        out,
        "    /** The core's refusals of a value that json_encode gives up on first, and the message of an invalid-input error. */\n    public const TOO_DEEP = {};\n    public const NOT_UTF8 = {};\n    public const INVALID_INPUT_MESSAGE = {};\n",
        php_string(&r["too_deep"]), php_string(&r["not_utf8"]), php_string(&r["message"])
    )
    .unwrap();
    out.push_str(
        "    /** Every operation, by name => PHP method. */\n    public const OPERATIONS = [\n",
    );
    for op in c.ops() {
        writeln!(out, "        '{}' => '{}',", op.name, camel(&op.name)).unwrap();
    }
    out.push_str("    ];\n\n    /** Every error code => its stable number. */\n    public const ERRORS = [\n");
    for e in c.errors() {
        writeln!(out, "        '{}' => {},", e.code, e.number).unwrap();
    }
    out.push_str(
        "    ];\n\n    /** Every closed set => its names. */\n    public const CLOSED_SETS = [\n",
    );
    for s in c.sets() {
        let names: Vec<String> = s.values.iter().map(|(v, _)| format!("'{v}'")).collect();
        writeln!(out, "        '{}' => [{}],", s.name, names.join(", ")).unwrap();
    }
    out.push_str("    ];\n\n    /** Result fields that hold instants. */\n    public const INSTANT_FIELDS = [\n");
    for f in instant_fields(c) {
        writeln!(out, "        '{f}' => true,").unwrap();
    }
    out.push_str("    ];\n}\n");
    out
}

fn php_field_type(ty: &Ty) -> (&'static str, &'static str) {
    // (declared type, conversion from the details value)
    match ty.required() {
        Ty::Int | Ty::Count => ("int", "(int) ($details['{f}'] ?? 0)"),
        Ty::Bool => ("bool", "(bool) ($details['{f}'] ?? false)"),
        Ty::List(_) => ("array", "$details['{f}'] ?? []"),
        _ => ("string", "(string) ($details['{f}'] ?? '')"),
    }
}

fn exception(
    code: &str,
    summary: &str,
    number: u64,
    family: Option<&str>,
    fields: &[Field],
    inherited: &[Field],
) -> String {
    let class = format!("{}Exception", pascal(code));
    let parent = match family {
        Some(f) => format!("{}Exception", pascal(f)),
        None => "RacineException".into(),
    };
    let mut out = prologue("Racine\\Exception");
    writeln!(
        out,
        "/** {summary} (`{code}`, status {number}) */\nclass {class} extends {parent}\n{{"
    )
    .unwrap();
    let own: Vec<&Field> = fields
        .iter()
        .filter(|f| !inherited.iter().any(|g| g.name == f.name))
        .collect();
    if !own.is_empty() {
        members(&mut out, &own);
    }
    out.push_str("}\n");
    out
}

fn family_class(fam: &str, codes: &[String], shared: &[Field]) -> String {
    let class = format!("{}Exception", pascal(fam));
    let mut out = prologue("Racine\\Exception");
    writeln!(
        out,
        "/** Every refusal of the {fam} family ({}); decimals are strings. */\nabstract class {class} extends RacineException\n{{",
        codes.join(", ")
    )
    .unwrap();
    members(&mut out, &shared.iter().collect::<Vec<_>>());
    out.push_str("}\n");
    out
}

fn classes_map(c: &Catalogue) -> String {
    let mut out = prologue("Racine\\Exception");
    out.push_str("/** The exception class of each error code (and of the C boundary's own statuses). */\nfinal class Kinds\n{\n    public const CLASSES = [\n");
    for e in c.errors() {
        writeln!(
            out,
            "        '{}' => {}Exception::class,",
            e.code,
            pascal(&e.code)
        )
        .unwrap();
    }
    out.push_str(
        "        'null_argument' => InvalidInputException::class,\n        'invalid_utf8' => InvalidInputException::class,\n        'panic' => InternalException::class,\n        'closed' => DatabaseClosedException::class,\n    ];\n}\n",
    );
    out
}

/// Methods `Racine\Database` adds by hand over the generated operations:
/// their signature (as `Racine\Database` declares it) and one line of doc.
/// The contract and the facade list them too.
const BY_HAND: &[(&str, &str)] = &[
    ("array stock(int|string $item, ?int $warehouse = null)", "Stock of an item (by id: the typed hot path) in a warehouse, or all of them: on_hand, reserved, available, value."),
    ("array receive(int|string $item, string|int|float $quantity, string|int|float|null $unitCost, array $options = [], ?string $idempotencyKey = null)", "Receives stock at a unit cost (a purchase receipt unless options['reason'] says otherwise)."),
    ("array issue(int|string $item, string|int|float $quantity, array $options = [], ?string $idempotencyKey = null)", "Issues stock (a sale unless options['reason'] says otherwise)."),
    ("array adjust(int|string $item, string|int|float $quantity, string $reason, array $options = [], ?string $idempotencyKey = null)", "Adjusts stock by a signed quantity for a reason (breakage, loss, inventory_count…)."),
    ("array count(int|string $item, string|int|float $counted, array $options = [], ?string $idempotencyKey = null)", "Records an inventory count; the ledger posts the difference."),
    ("array transfer(int|string $item, int $from, int $to, string|int|float $quantity, array $options = [], ?string $idempotencyKey = null)", "Moves stock between warehouses in one transaction, cost carried along."),
    ("array postBatch(array $movements, ?string $idempotencyKey = null, bool $withMovements = false)", "Posts many movements in one transaction: all or none."),
    ("array export(array $sheets, string $path, array $options = [], ?callable $progress = null)", "Exports datasets from one snapshot to a file (xlsx or csv), renamed into place when complete."),
    ("array exportTo(callable $write, array $sheets, array $options = [], ?callable $progress = null)", "Streams an export to a callback, chunk by chunk (a StreamedResponse)."),
    ("string exportBytes(array $sheets, array $options = [])", "The exported file's bytes."),
    ("mixed call(string $op, array $args = [])", "Runs one request of the JSON entry point by the operation's name."),
    ("void close()", "Closes the database; later calls throw DatabaseClosedException."),
    ("bool isClosed()", "Whether close() was called."),
];

/// Operations whose PHP method is written by hand in `Racine\Database`.
fn by_hand(op: &str) -> bool {
    matches!(op, "post_batch" | "stock" | "export")
}

/// `array stock(int|string $item)` as `public function stock(int|string $item): array`.
fn declaration(signature: &str) -> String {
    let (ret, rest) = signature.split_once(' ').expect("a return type and a name");
    format!("public function {rest}: {ret}")
}

/// `Racine\RacineInterface`: every method of `Racine\Database`, so that an
/// application type-hints the contract and a test can mock it.
fn contract(c: &Catalogue) -> String {
    let mut out = prologue("Racine");
    out.push_str(
        r#"/**
 * What a Racine database does: every operation of the catalogue and the
 * conveniences of Racine\Database, which implements it.
 *
 * Type-hint this interface rather than the final class: a Laravel test can
 * then mock it (Racine::shouldReceive()) or swap in a real in-memory
 * database (Racine::fake()).
 */
interface RacineInterface
{
"#,
    );
    for op in c.ops() {
        if by_hand(&op.name) {
            continue;
        }
        let m = method(c, &op);
        doc_block(&mut out, &op, &m);
        writeln!(
            out,
            "    public function {}({}): {};\n",
            m.name,
            m.params.join(", "),
            m.ret
        )
        .unwrap();
    }
    for (signature, doc) in BY_HAND {
        writeln!(out, "    /** {doc} */\n    {};\n", declaration(signature)).unwrap();
    }
    out.truncate(out.trim_end().len());
    out.push_str("\n}\n");
    out
}

fn facade(c: &Catalogue) -> String {
    let mut lines = Vec::new();
    for op in c.ops() {
        if by_hand(&op.name) {
            continue;
        }
        let m = method(c, &op);
        lines.push(format!(
            " * @method static {} {}({})",
            m.ret,
            m.name,
            m.params.join(", ")
        ));
    }
    for (signature, _) in BY_HAND {
        lines.push(format!(" * @method static {signature}"));
    }
    format!(
        r#"<?php

{HEADER}

declare(strict_types=1);

namespace Racine\Laravel\Facades;

use Illuminate\Support\Facades\Facade;
use Racine\Database;
use Racine\RacineInterface;

/**
 * Racine::issue($item, '2', ['reference' => 'ORDER-1042']) and so on: static
 * access to the container's Racine\RacineInterface (a Racine\Database opened
 * on first use), one method per operation of the catalogue.
 *
 * In tests, Racine::fake() swaps in a real in-memory database and
 * Racine::shouldReceive() a Mockery mock of the interface.
 *
{}
 *
 * @see \Racine\RacineInterface
 * @see \Racine\Database
 */
class Racine extends Facade
{{
    /**
     * Swaps in a real, empty in-memory Racine for the rest of the test (the
     * container's binding too, so observers and commands get it); returns it.
     *
     * @param array<string, mixed> $options open options (time_zone, default_warehouse…)
     */
    public static function fake(array $options = []): Database
    {{
        $fake = Database::lazy(':memory:', $options);
        static::swap($fake);
        return $fake;
    }}

    protected static function getFacadeAccessor(): string
    {{
        return RacineInterface::class;
    }}

    /** Mocks the contract: the bound class is final, and resolving it would open it. */
    protected static function getMockableClass(): string
    {{
        return RacineInterface::class;
    }}
}}
"#,
        lines.join("\n")
    )
}

pub fn files(c: &Catalogue) -> Vec<Generated> {
    let mut out = vec![
        Generated {
            path: "php/src/Generated/Operations.php".into(),
            text: operations(c),
        },
        Generated {
            path: "php/src/Generated/Catalogue.php".into(),
            text: catalogue_class(c),
        },
        Generated {
            path: "php/src/Exception/Kinds.php".into(),
            text: classes_map(c),
        },
        Generated {
            path: "php/src/Laravel/Facades/Racine.php".into(),
            text: facade(c),
        },
        Generated {
            path: "php/src/RacineInterface.php".into(),
            text: contract(c),
        },
    ];
    let kinds = c.errors();
    let mut shared_of = std::collections::HashMap::new();
    for fam in c.families() {
        out.push(Generated {
            path: format!("php/src/Exception/{}Exception.php", pascal(&fam.name)).into(),
            text: family_class(&fam.name, &fam.codes, &fam.shared),
        });
        shared_of.insert(fam.name.clone(), fam.shared);
    }
    for k in &kinds {
        let inherited = k
            .family
            .as_ref()
            .and_then(|f| shared_of.get(f))
            .cloned()
            .unwrap_or_default();
        out.push(Generated {
            path: format!("php/src/Exception/{}Exception.php", pascal(&k.code)).into(),
            text: exception(
                &k.code,
                &k.summary,
                k.number,
                k.family.as_deref(),
                &k.fields,
                &inherited,
            ),
        });
    }
    out
}

/// A JSON string as a single-quoted PHP literal (no interpolation).
fn php_string(v: &serde_json::Value) -> String {
    let s = v.as_str().unwrap_or_default();
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}
