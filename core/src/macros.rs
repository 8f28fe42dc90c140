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
