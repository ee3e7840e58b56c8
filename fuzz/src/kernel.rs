//! The running kernel's verifier, reached through `bpf(2)`: loading a program and running it.
//!
//! [`load`] issues `BPF_PROG_LOAD` with a log buffer and returns the verdict, the errno and the
//! verifier's log (growing the buffer while the kernel answers `ENOSPC`); an accepted program
//! comes with its file descriptor ([`Prog`]), closed on drop, which [`Prog::test_run`] executes
//! with `BPF_PROG_TEST_RUN`. [`probe`] says whether `bpf(2)` is usable at all, so tests can skip
//! loudly instead of passing silently. This is the only module of Vernier that calls `bpf(2)`.
//!
//! The `bpf_attr` layouts follow `include/uapi/linux/bpf.h`; only the leading fields used here are
//! written, the rest stay zero as the kernel requires.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// `BPF_PROG_LOAD` command number.
const BPF_PROG_LOAD: libc::c_long = 5;
/// `BPF_PROG_TEST_RUN` command number.
const BPF_PROG_TEST_RUN: libc::c_long = 10;

/// `BPF_PROG_TYPE_SOCKET_FILTER`.
pub const PROG_TYPE_SOCKET_FILTER: u32 = 1;
/// `BPF_F_TEST_REG_INVARIANTS`: fail the load when a register's bounds become inconsistent
/// (`REG INVARIANTS VIOLATION`) instead of silently resetting them.
pub const F_TEST_REG_INVARIANTS: u32 = 0x80;

/// The first log buffer size tried.
const INITIAL_LOG_SIZE: usize = 1024 * 1024;
/// The kernel's limit on the log buffer (`UINT_MAX >> 2`); growth stops before it.
const MAX_LOG_SIZE: usize = 256 * 1024 * 1024;

/// Why `bpf(2)` cannot be used here.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("bpf(2) not permitted: {reason}")]
pub struct Unavailable {
    /// The errno's description or what else went wrong.
    pub reason: String,
}

/// A failure of the system call itself (not a verifier rejection).
#[derive(Debug, thiserror::Error)]
pub enum KernelError {
    /// The program has more instructions than the kernel's count field holds.
    #[error("program of {0} bytes is not a whole number of instructions")]
    BadLength(usize),
    /// The log outgrew the largest buffer the kernel accepts.
    #[error("verifier log larger than {MAX_LOG_SIZE} bytes")]
    LogTooLarge,
    /// `BPF_PROG_TEST_RUN` failed.
    #[error("BPF_PROG_TEST_RUN failed: {0}")]
    TestRun(std::io::Error),
}

/// Options of a `BPF_PROG_LOAD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// The program type (socket filter by default).
    pub prog_type: u32,
    /// Verifier log level: 1 (instructions and errors) or 2 (also register states).
    pub log_level: u32,
    /// `prog_flags`, e.g. [`F_TEST_REG_INVARIANTS`].
    pub prog_flags: u32,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            prog_type: PROG_TYPE_SOCKET_FILTER,
            log_level: 2,
            prog_flags: F_TEST_REG_INVARIANTS,
        }
    }
}

/// A loaded program; its file descriptor is closed on drop.
#[derive(Debug)]
pub struct Prog {
    fd: OwnedFd,
}

/// The outcome of a `BPF_PROG_LOAD`.
#[derive(Debug)]
pub struct Load {
    /// The loaded program when the verifier accepted it.
    pub prog: Option<Prog>,
    /// The errno when it did not (`EACCES` for a verifier rejection, `EINVAL` for a malformed
    /// program, …).
    pub errno: Option<i32>,
    /// The verifier log.
    pub log: String,
}

impl Load {
    /// Did the verifier accept the program?
    pub fn accepted(&self) -> bool {
        self.prog.is_some()
    }
}

/// The `bpf_attr` of `BPF_PROG_LOAD`, up to `log_true_size` (Linux 6.4+).
#[repr(C)]
#[derive(Default)]
struct ProgLoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; 16],
    prog_ifindex: u32,
    expected_attach_type: u32,
    prog_btf_fd: u32,
    func_info_rec_size: u32,
    func_info: u64,
    func_info_cnt: u32,
    line_info_rec_size: u32,
    line_info: u64,
    line_info_cnt: u32,
    attach_btf_id: u32,
    attach_prog_fd: u32,
    core_relo_cnt: u32,
    fd_array: u64,
    core_relos: u64,
    core_relo_rec_size: u32,
    log_true_size: u32,
}

/// The `bpf_attr` of `BPF_PROG_TEST_RUN`.
#[repr(C)]
#[derive(Default)]
struct TestRunAttr {
    prog_fd: u32,
    retval: u32,
    data_size_in: u32,
    data_size_out: u32,
    data_in: u64,
    data_out: u64,
    repeat: u32,
    duration: u32,
    ctx_size_in: u32,
    ctx_size_out: u32,
    ctx_in: u64,
    ctx_out: u64,
    flags: u32,
    cpu: u32,
    batch_size: u32,
    _pad: u32,
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

/// Loads `code` (encoded instructions, 8 bytes each) and returns the verdict and the log.
pub fn load(code: &[u8], options: &LoadOptions) -> Result<Load, KernelError> {
    if !code.len().is_multiple_of(8) || code.len() / 8 > u32::MAX as usize {
        return Err(KernelError::BadLength(code.len()));
    }
    let license = b"GPL\0";
    let mut log_size = INITIAL_LOG_SIZE;
    loop {
        let mut log = vec![0u8; if options.log_level == 0 { 0 } else { log_size }];
        let mut attr = ProgLoadAttr {
            prog_type: options.prog_type,
            insn_cnt: (code.len() / 8) as u32,
            insns: code.as_ptr() as u64,
            license: license.as_ptr() as u64,
            log_level: options.log_level,
            log_size: log.len() as u32,
            log_buf: if log.is_empty() {
                0
            } else {
                log.as_mut_ptr() as u64
            },
            prog_flags: options.prog_flags,
            ..ProgLoadAttr::default()
        };
        let result = bpf(BPF_PROG_LOAD, &mut attr);
        let errno = result.as_ref().err().and_then(|e| e.raw_os_error());
        if errno == Some(libc::ENOSPC) && options.log_level != 0 {
            if log_size >= MAX_LOG_SIZE {
                return Err(KernelError::LogTooLarge);
            }
            log_size = (log_size * 4)
                .max(attr.log_true_size as usize + 1)
                .min(MAX_LOG_SIZE);
            continue;
        }
        let end = log.iter().position(|&b| b == 0).unwrap_or(log.len());
        let log = String::from_utf8_lossy(&log[..end]).into_owned();
        let prog = match result {
            // SAFETY: a successful BPF_PROG_LOAD returns a new file descriptor that we own.
            Ok(fd) => Some(Prog {
                fd: unsafe { OwnedFd::from_raw_fd(fd as i32) },
            }),
            Err(_) => None,
        };
        return Ok(Load { prog, errno, log });
    }
}

/// What one `BPF_PROG_TEST_RUN` returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRun {
    /// The program's r0 (`retval`, 32 bits for the program types that run on packets).
    pub retval: u32,
    /// The packet as the program left it (`data_out`).
    pub data_out: Vec<u8>,
    /// The kernel's measured run time in nanoseconds (`duration`).
    pub duration_ns: u32,
}

impl Prog {
    /// Runs the program once on `data` (for a socket filter: the packet, at least 14 bytes) and
    /// returns its r0 (`retval`).
    pub fn test_run(&self, data: &[u8]) -> Result<u32, KernelError> {
        self.test_run_full(data).map(|run| run.retval)
    }

    /// Runs the program once on `data` and returns r0, the data out and the run time.
    pub fn test_run_full(&self, data: &[u8]) -> Result<TestRun, KernelError> {
        // The output may grow (e.g. a program that pushes headers); leave room.
        let mut out = vec![0u8; data.len() + 4096];
        let mut attr = TestRunAttr {
            prog_fd: self.fd.as_raw_fd() as u32,
            data_size_in: data.len() as u32,
            data_in: data.as_ptr() as u64,
            data_size_out: out.len() as u32,
            data_out: out.as_mut_ptr() as u64,
            repeat: 1,
            ..TestRunAttr::default()
        };
        bpf(BPF_PROG_TEST_RUN, &mut attr).map_err(KernelError::TestRun)?;
        out.truncate((attr.data_size_out as usize).min(out.len()));
        Ok(TestRun {
            retval: attr.retval,
            data_out: out,
            duration_ns: attr.duration,
        })
    }
}

/// Says whether `bpf(2)` may load programs here, by loading `r0 = 0; exit`.
pub fn probe() -> Result<(), Unavailable> {
    // mov r0, 0 (0xb7); exit (0x95)
    let code = [0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0];
    let options = LoadOptions {
        log_level: 0,
        prog_flags: 0,
        ..LoadOptions::default()
    };
    match load(&code, &options) {
        Ok(l) if l.accepted() => Ok(()),
        Ok(l) => Err(Unavailable {
            reason: std::io::Error::from_raw_os_error(l.errno.unwrap_or(0)).to_string(),
        }),
        Err(e) => Err(Unavailable {
            reason: e.to_string(),
        }),
    }
}
