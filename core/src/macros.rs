//! Wire orders declared once: the macros that give an enum's variants their wire indices
//! from the list of its variants, so that no index is written by hand.

/// `ALL` and `from_index` for `$name`, a fieldless enum whose serde form is its variant's
/// index, from the list of its variants in declaration order. The list is checked where it is
/// compiled: it names every variant (the match below is exhaustive), each at its own index,
/// which is its discriminant counted from the first (0 unless the enum numbers its variants).
macro_rules! wire_order {
    ($name:ident: $($variant:ident),+ $(,)?) => {
        impl $name {
            /// Every value, in wire order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// This value's index in wire order.
            pub const fn index(self) -> u32 {
                // No value is before the first.
                (self as u32).wrapping_sub(Self::ALL[0] as u32)
            }

            /// The value at `index` in wire order, or `None` past the last.
            pub const fn from_index(index: u32) -> Option<Self> {
                let mut position = 0;
                $(
                    if index == position {
                        return Some(Self::$variant);
                    }
                    position += 1;
                )+
                let _ = position;
                None
            }
        }

        const _: () = {
            const fn listed(value: $name) {
                match value {
                    $($name::$variant => {})+
                }
            }
            let mut position = 0;
            while position < $name::ALL.len() {
                listed($name::ALL[position]);
                assert!($name::ALL[position] as usize == $name::ALL[0] as usize + position);
                position += 1;
            }
        };
    };
}

/// Declares `$name`, an enum that postcard writes as its variant's index and then the
/// variant's fields, with `$code`, the fieldless enum of those indices, from one list of
/// variants: a code can neither be written by hand nor drift from its variant.
macro_rules! with_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident, codes $code:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident $({ $($named:tt)* })? $(( $($unnamed:tt)* ))?,
            )+
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant $({ $($named)* })? $(( $($unnamed)* ))?,
            )+
        }

        #[doc = concat!(
            "The wire code of each variant of [`", stringify!($name), "`]: its index, which ",
            "postcard writes before the variant's fields. A later version may add codes."
        )]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        #[non_exhaustive]
        $vis enum $code {
            $(
                #[doc = concat!("[`", stringify!($name), "::", stringify!($variant), "`].")]
                $variant,
            )+
        }

        wire_order!($code: $($variant),+);

        impl $name {
            /// The wire code of this value's variant.
            pub const fn code(&self) -> $code {
                match self {
                    $(Self::$variant { .. } => $code::$variant,)+
                }
            }
        }
    };
}
