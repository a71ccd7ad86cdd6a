//! [`open_enum!`](crate::open_enum): string enums that never fail to decode.
//!
//! Services add values without notice and spell them inconsistently, so every enum keeps an `Unknown(String)`
//! fallback and serializes back to exactly the text it was read from.

#[macro_export]
/// Declares a string enum with an `Unknown(String)` fallback that round-trips (see the module docs).
///
/// ```
/// hwcloud_transport::open_enum! {
///     /// A build state.
///     pub enum State { Running => "running", Done => "done" }
/// }
/// let s: State = serde_json::from_str("\"paused\"").unwrap();
/// assert_eq!(s, State::Unknown("paused".into()));
/// assert_eq!(serde_json::to_string(&s).unwrap(), "\"paused\"");
/// ```
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know, kept verbatim so it round-trips.
            Unknown(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Unknown(s) => s.as_str(),
                }
            }

            /// Reads a wire value; unknown spellings become `Unknown`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $( $text => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl $crate::model::__private::serde::Serialize for $name {
            fn serialize<S: $crate::model::__private::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::model::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::model::__private::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as $crate::model::__private::serde::Deserialize<'de>>::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}
