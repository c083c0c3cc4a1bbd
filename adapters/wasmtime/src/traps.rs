//! Trap classification by downcasting to `wasmtime::Trap`, never by message text.
use wasmtime::Trap;

pub fn trap_kind(trap: &Trap) -> &'static str {
    match trap {
        Trap::UnreachableCodeReached => "unreachable",
        Trap::IntegerDivisionByZero => "divide-by-zero",
        Trap::IntegerOverflow => "integer-overflow",
        Trap::BadConversionToInteger => "invalid-conversion",
        Trap::MemoryOutOfBounds => "out-of-bounds-memory",
        Trap::TableOutOfBounds => "out-of-bounds-table",
        Trap::IndirectCallToNull => "indirect-call-null",
        Trap::BadSignature => "indirect-call-type",
        Trap::StackOverflow => "stack-overflow",
        Trap::OutOfFuel => "out-of-fuel",
        Trap::Interrupt => "interrupted",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_trap_of_the_taxonomy() {
        assert_eq!(trap_kind(&Trap::UnreachableCodeReached), "unreachable");
        assert_eq!(trap_kind(&Trap::IntegerDivisionByZero), "divide-by-zero");
        assert_eq!(trap_kind(&Trap::IntegerOverflow), "integer-overflow");
        assert_eq!(trap_kind(&Trap::BadConversionToInteger), "invalid-conversion");
        assert_eq!(trap_kind(&Trap::MemoryOutOfBounds), "out-of-bounds-memory");
        assert_eq!(trap_kind(&Trap::TableOutOfBounds), "out-of-bounds-table");
        assert_eq!(trap_kind(&Trap::IndirectCallToNull), "indirect-call-null");
        assert_eq!(trap_kind(&Trap::BadSignature), "indirect-call-type");
        assert_eq!(trap_kind(&Trap::StackOverflow), "stack-overflow");
        assert_eq!(trap_kind(&Trap::OutOfFuel), "out-of-fuel");
        assert_eq!(trap_kind(&Trap::Interrupt), "interrupted");
        assert_eq!(trap_kind(&Trap::NullReference), "unknown");
    }
}
