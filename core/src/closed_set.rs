//! Closed sets of names: reasons, statuses, valuation methods, policies.
//!
//! Each set is declared once with [`closed_set!`], variant by variant with
//! the name it is stored and shown under. Serde, parsing, display, the JSON
//! schema (and through it the bindings' `Literal` types) all come from that
//! one list, so a name can never be spelt two ways.

/// Declares a closed set: `enum Name as "field" { /// doc \n Variant = "name", … }`,
/// optionally `enum Name as "field", default Variant { … }`.
///
/// `"field"` is the field an unknown name is reported on.
macro_rules! closed_set {
    (
        $(#[doc = $edoc:literal])*
        $vis:vis enum $name:ident as $field:literal $(, default $default:ident)? {
            $( $(#[doc = $doc:literal])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[doc = $edoc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name stored and shown everywhere.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value named `name`, if there is one.
            pub fn from_name(name: &str) -> Option<$name> {
                match name {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// A name read back from storage: anything else is a corrupt
            /// stored value, reported as [`crate::Error::Storage`].
            #[allow(dead_code)]
            pub(crate) fn from_stored(name: &str) -> $crate::error::Result<$name> {
                $name::from_name(name).ok_or_else(|| {
                    $crate::error::Error::corrupt($field, name, &Self::names())
                })
            }

            fn names() -> String {
                [$($text),+].join(", ")
            }
        }

        $(
            impl Default for $name {
                fn default() -> Self {
                    $name::$default
                }
            }
        )?

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::Error;

            /// Parses a name; anything else is invalid input on the set's field.
            fn from_str(s: &str) -> $crate::error::Result<$name> {
                $name::from_name(s).ok_or_else(|| {
                    $crate::error::Error::invalid(
                        $field,
                        format!("{s:?} is not one of {}", Self::names()),
                    )
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<$name, D::Error> {
                let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::from_name(&name).ok_or_else(|| {
                    <D::Error as serde::de::Error>::custom(format!(
                        "{name:?} is not one of {}",
                        Self::names()
                    ))
                })
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                fn join(lines: &[&str]) -> String {
                    lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
                }
                let values = vec![$(
                    serde_json::json!({"const": $text, "description": join(&[$($doc),*])}),
                )+];
                let schema = serde_json::json!({
                    "description": join(&[$($edoc),*]),
                    "type": "string",
                    "oneOf": values,
                });
                schemars::Schema::try_from(schema).expect("a schema object")
            }
        }
    };
}

pub(crate) use closed_set;
