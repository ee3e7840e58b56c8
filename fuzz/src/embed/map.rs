//! A one-element `BPF_MAP_TYPE_ARRAY` map: where instrumented programs record the values their
//! registers held, and where the harness reads them back after each test run.
//!
//! The map is created with `BPF_MAP_CREATE`, reset with `BPF_MAP_UPDATE_ELEM` and read with
//! `BPF_MAP_LOOKUP_ELEM` (`include/uapi/linux/bpf.h`). An array map of one element supports
//! direct value access (`ld_imm64` with `BPF_PSEUDO_MAP_VALUE`), so a program gets the value's
//! address as a non-null `map_value` pointer without a helper call or a null check.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// `BPF_MAP_CREATE` command number.
const BPF_MAP_CREATE: libc::c_long = 0;
/// `BPF_MAP_LOOKUP_ELEM` command number.
const BPF_MAP_LOOKUP_ELEM: libc::c_long = 1;
/// `BPF_MAP_UPDATE_ELEM` command number.
const BPF_MAP_UPDATE_ELEM: libc::c_long = 2;
/// `BPF_MAP_TYPE_ARRAY`.
const MAP_TYPE_ARRAY: u32 = 2;

/// The `bpf_attr` prefix of `BPF_MAP_CREATE`.
#[repr(C)]
#[derive(Default)]
struct MapCreateAttr {
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    map_flags: u32,
    inner_map_fd: u32,
    numa_node: u32,
    map_name: [u8; 16],
    map_ifindex: u32,
    btf_fd: u32,
    btf_key_type_id: u32,
    btf_value_type_id: u32,
    btf_vmlinux_value_type_id: u32,
    map_extra: u64,
}

/// The `bpf_attr` of `BPF_MAP_LOOKUP_ELEM` and `BPF_MAP_UPDATE_ELEM`.
#[repr(C)]
#[derive(Default)]
struct MapElemAttr {
    map_fd: u32,
    _pad: u32,
    key: u64,
    value: u64,
    flags: u64,
}

fn bpf<T>(cmd: libc::c_long, attr: &mut T) -> Result<libc::c_long, std::io::Error> {
    // SAFETY: `attr` is a live, initialised `bpf_attr` prefix of the size passed; every pointer
    // inside it points to buffers that outlive the call.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            cmd,
            attr as *mut T as *mut libc::c_void,
            std::mem::size_of::<T>() as libc::c_uint,
        )
    };
    if ret < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// A map system call that failed.
#[derive(Debug, thiserror::Error)]
#[error("{what} failed: {source}")]
pub struct MapError {
    /// The command.
    pub what: &'static str,
    /// The errno.
    pub source: std::io::Error,
}

/// A one-element array map of `value_size` bytes; closed on drop.
#[derive(Debug)]
pub struct RecordMap {
    fd: OwnedFd,
    value_size: usize,
}

impl RecordMap {
    /// Creates the map.
    pub fn create(value_size: usize) -> Result<RecordMap, MapError> {
        let mut attr = MapCreateAttr {
            map_type: MAP_TYPE_ARRAY,
            key_size: 4,
            value_size: value_size as u32,
            max_entries: 1,
            ..MapCreateAttr::default()
        };
        let fd = bpf(BPF_MAP_CREATE, &mut attr).map_err(|source| MapError {
            what: "BPF_MAP_CREATE",
            source,
        })?;
        Ok(RecordMap {
            // SAFETY: a successful BPF_MAP_CREATE returns a new file descriptor that we own.
            fd: unsafe { OwnedFd::from_raw_fd(fd as i32) },
            value_size,
        })
    }

    /// The file descriptor, for `ld_imm64 rX = map_value(fd, off)`.
    pub fn fd(&self) -> i32 {
        self.fd.as_raw_fd()
    }

    /// The value's size in bytes.
    pub fn value_size(&self) -> usize {
        self.value_size
    }

    fn elem(&self, cmd: libc::c_long, what: &'static str, value: *mut u8) -> Result<(), MapError> {
        let key = 0u32;
        let mut attr = MapElemAttr {
            map_fd: self.fd() as u32,
            key: &key as *const u32 as u64,
            value: value as u64,
            ..MapElemAttr::default()
        };
        bpf(cmd, &mut attr)
            .map(|_| ())
            .map_err(|source| MapError { what, source })
    }

    /// Sets every byte of the value to zero.
    pub fn clear(&self) -> Result<(), MapError> {
        let mut zeros = vec![0u8; self.value_size];
        self.elem(
            BPF_MAP_UPDATE_ELEM,
            "BPF_MAP_UPDATE_ELEM",
            zeros.as_mut_ptr(),
        )
    }

    /// Reads the value.
    pub fn read(&self) -> Result<Vec<u8>, MapError> {
        let mut value = vec![0u8; self.value_size];
        self.elem(
            BPF_MAP_LOOKUP_ELEM,
            "BPF_MAP_LOOKUP_ELEM",
            value.as_mut_ptr(),
        )?;
        Ok(value)
    }
}
