//! Form assembly: which items a candidate sees, in which order, with which option order.

mod linear;

pub use linear::{assemble_linear, AssemblyError, Form, FormItem, PoolItem};
