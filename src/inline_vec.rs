//! A list kept on the stack for up to `N` items and moved to the heap beyond: the signer and
//! the verifier record a URL's own query parameters in one, and most URLs have a few or none.

/// Items in insertion order: none, up to `N` inline, or a `Vec`.
#[derive(Debug)]
pub(crate) enum InlineVec<T, const N: usize> {
    Empty,
    Inline { buf: [T; N], len: usize },
    Heap(Vec<T>),
}

impl<T: Copy, const N: usize> InlineVec<T, N> {
    /// An empty list; nothing is written until the first push.
    pub(crate) const fn new() -> Self {
        Self::Empty
    }

    pub(crate) fn push(&mut self, item: T) {
        match self {
            // The slots after `len` are never read.
            Self::Empty if N > 0 => {
                *self = Self::Inline {
                    buf: [item; N],
                    len: 1,
                }
            }
            Self::Empty => *self = Self::Heap(vec![item]),
            Self::Inline { buf, len } => {
                if let Some(slot) = buf.get_mut(*len) {
                    *slot = item;
                    *len += 1;
                } else {
                    let mut heap = buf.to_vec();
                    heap.push(item);
                    *self = Self::Heap(heap);
                }
            }
            Self::Heap(v) => v.push(item),
        }
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            Self::Empty => &[],
            Self::Inline { buf, len } => buf.get(..*len).unwrap_or_default(),
            Self::Heap(v) => v,
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        match self {
            Self::Empty => &mut [],
            Self::Inline { buf, len } => buf.get_mut(..*len).unwrap_or_default(),
            Self::Heap(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_item_in_order_across_the_move_to_the_heap() {
        for n in 0..20 {
            let mut small: InlineVec<usize, 3> = InlineVec::new();
            let mut none: InlineVec<usize, 0> = InlineVec::new();
            for i in 0..n {
                small.push(i);
                none.push(i);
            }
            let expected: Vec<usize> = (0..n).collect();
            assert_eq!(small.as_slice(), expected);
            assert_eq!(none.as_slice(), expected);
            assert_eq!(small.as_mut_slice(), expected);
            assert_eq!(matches!(small, InlineVec::Heap(_)), n > 3, "{n}");
        }
    }
}
