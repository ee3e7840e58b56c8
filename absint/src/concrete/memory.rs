//! The interpreter's memory: a few byte regions, each at its own synthetic base address.
//!
//! A program sees three regions — the stack (one 512-byte frame per call depth), the context
//! buffer and the packet data buffer — placed far apart in a 64-bit address space so that an
//! access that strays out of one region cannot land in another. Every access is bounds-checked
//! against the region that contains its first byte; an access not wholly inside one region is a
//! [`MemoryFault`]. Multi-byte values are little-endian, as on the machines BPF runs on.

use crate::isa::Size;

/// Bytes of stack per frame (`MAX_BPF_STACK`).
pub const FRAME_SIZE: u64 = 512;
/// Most frames live at once: the entry program and seven nested BPF-to-BPF calls
/// (`MAX_CALL_FRAMES`).
pub const MAX_FRAMES: usize = 8;
/// Lowest address of the stack region; frame `k`'s frame pointer is
/// `STACK_BASE + (MAX_FRAMES - k) * FRAME_SIZE`.
pub const STACK_BASE: u64 = 0x1_0000_0000;
/// Address of the first byte of the context buffer.
pub const CONTEXT_BASE: u64 = 0x2_0000_0000;
/// Address of the first byte of the packet data buffer.
pub const DATA_BASE: u64 = 0x3_0000_0000;

/// The frame pointer (r10) of frame `depth` (0 for the entry program).
pub const fn frame_pointer(depth: usize) -> u64 {
    STACK_BASE + (MAX_FRAMES - depth) as u64 * FRAME_SIZE
}

/// Which region a byte belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegionKind {
    /// The stack of all frames.
    Stack,
    /// The context buffer (r1 at entry).
    Context,
    /// The packet data buffer (read by `LD_ABS`/`LD_IND`).
    Data,
}

/// An access that is not wholly inside one region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} of {size} byte(s) at {addr:#x} is outside every memory region", if *.write { "store" } else { "load" })]
pub struct MemoryFault {
    /// First byte accessed.
    pub addr: u64,
    /// Bytes accessed.
    pub size: u32,
    /// Whether the access was a store.
    pub write: bool,
}

/// The three regions of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Memory {
    stack: Vec<u8>,
    context: Vec<u8>,
    data: Vec<u8>,
}

impl Memory {
    /// A zeroed stack and the given context and data buffers.
    pub fn new(context: &[u8], data: &[u8]) -> Memory {
        Memory {
            stack: vec![0; MAX_FRAMES * FRAME_SIZE as usize],
            context: context.to_vec(),
            data: data.to_vec(),
        }
    }

    /// The bytes of one region.
    pub fn region(&self, kind: RegionKind) -> &[u8] {
        match kind {
            RegionKind::Stack => &self.stack,
            RegionKind::Context => &self.context,
            RegionKind::Data => &self.data,
        }
    }

    /// The `len` bytes at `addr`, if they all lie in one region.
    fn span(&mut self, addr: u64, len: u32, write: bool) -> Result<&mut [u8], MemoryFault> {
        let fault = MemoryFault {
            addr,
            size: len,
            write,
        };
        let regions: [(u64, &mut Vec<u8>); 3] = [
            (STACK_BASE, &mut self.stack),
            (CONTEXT_BASE, &mut self.context),
            (DATA_BASE, &mut self.data),
        ];
        for (base, bytes) in regions {
            let Some(start) = addr.checked_sub(base) else {
                continue;
            };
            let Some(end) = start.checked_add(u64::from(len)) else {
                continue;
            };
            if start < bytes.len() as u64 && end <= bytes.len() as u64 {
                return Ok(&mut bytes[start as usize..end as usize]);
            }
        }
        Err(fault)
    }

    /// Read `len` bytes at `addr`.
    pub fn read(&mut self, addr: u64, len: u32) -> Result<&[u8], MemoryFault> {
        self.span(addr, len, false).map(|s| &*s)
    }

    /// Overwrite the bytes at `addr` with `bytes`.
    pub fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), MemoryFault> {
        let len = u32::try_from(bytes.len()).map_err(|_| MemoryFault {
            addr,
            size: u32::MAX,
            write: true,
        })?;
        self.span(addr, len, true)?.copy_from_slice(bytes);
        Ok(())
    }

    /// The little-endian value of `size` at `addr`, zero-extended.
    pub fn load(&mut self, addr: u64, size: Size) -> Result<u64, MemoryFault> {
        let bytes = self.read(addr, size.bytes())?;
        Ok(bytes
            .iter()
            .rev()
            .fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
    }

    /// Store the low `size` bytes of `value` at `addr`, little-endian.
    pub fn store(&mut self, addr: u64, size: Size, value: u64) -> Result<(), MemoryFault> {
        let bytes = value.to_le_bytes();
        self.write(addr, &bytes[..size.bytes() as usize])
    }

    /// The big-endian (network order) value of `size` at byte `offset` of the data buffer, or
    /// `None` when it is not wholly inside the buffer.
    pub fn load_packet(&self, offset: i64, size: Size) -> Option<u64> {
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(size.bytes() as usize)?;
        let bytes = self.data.get(start..end)?;
        Some(bytes.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accesses_are_bounds_checked_per_region() {
        let mut m = Memory::new(&[1, 2, 3, 4], &[0xaa, 0xbb]);
        assert_eq!(m.load(CONTEXT_BASE, Size::W), Ok(0x0403_0201));
        assert_eq!(m.load(CONTEXT_BASE + 2, Size::H), Ok(0x0403));
        let fault = MemoryFault {
            addr: CONTEXT_BASE + 1,
            size: 4,
            write: false,
        };
        assert_eq!(m.load(CONTEXT_BASE + 1, Size::W), Err(fault));
        assert!(m.load(CONTEXT_BASE - 1, Size::B).is_err());
        assert!(m.load(u64::MAX, Size::DW).is_err());
        let top = frame_pointer(0);
        assert!(m.store(top - 8, Size::DW, 0x1122_3344_5566_7788).is_ok());
        assert_eq!(m.load(top - 8, Size::B), Ok(0x88));
        assert!(m.store(top - 4, Size::DW, 0).is_err());
        assert_eq!(m.load_packet(0, Size::H), Some(0xaabb));
        assert_eq!(m.load_packet(1, Size::H), None);
        assert_eq!(m.load_packet(-1, Size::B), None);
    }
}
