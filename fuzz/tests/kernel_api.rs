//! `fuzz::kernel` against the running kernel: loading, rejection with its log, test runs.

use absint::isa::{encode, Insn, Operand, Reg, Width};
use fuzz::kernel::{load, probe, LoadOptions};

fn mov_r0(imm: i32) -> Insn {
    Insn::Mov {
        width: Width::W64,
        dst: Reg::R0,
        src: Operand::Imm(imm),
    }
}

#[test]
fn load_run_and_reject() {
    if let Err(e) = probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) load_run_and_reject",
            e.reason
        );
        return;
    }
    let ok = load(&encode(&[mov_r0(42), Insn::Exit]), &LoadOptions::default()).unwrap();
    let prog = ok.prog.as_ref().expect("accepted");
    assert_eq!(ok.errno, None);
    assert!(ok.log.contains("0: (b7) r0 = 42"), "{}", ok.log);
    assert_eq!(prog.test_run(&[0u8; 64]).unwrap(), 42);
    // A socket filter does not write the packet: the data out is the data in, except the
    // 14-byte Ethernet header, which the kernel's skb test run gives back zeroed (observed on
    // 6.18.44).
    let packet: Vec<u8> = (0..64u8).collect();
    let run = prog.test_run_full(&packet).unwrap();
    assert_eq!(run.retval, 42);
    assert_eq!(run.data_out.len(), packet.len());
    assert_eq!(run.data_out[14..], packet[14..]);

    // r0 is never written: the verifier rejects with EACCES and says why.
    let bad = load(&encode(&[Insn::Exit]), &LoadOptions::default()).unwrap();
    assert!(!bad.accepted());
    assert_eq!(bad.errno, Some(libc::EACCES));
    assert!(bad.log.contains("R0 !read_ok"), "{}", bad.log);
}

/// A log larger than the first buffer is fetched whole (the buffer grows on ENOSPC).
#[test]
fn long_logs_are_complete() {
    if let Err(e) = probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) long_logs_are_complete",
            e.reason
        );
        return;
    }
    let mut prog = vec![mov_r0(0)];
    let add = Insn::Alu {
        width: Width::W64,
        op: absint::isa::AluOp::Add,
        dst: Reg::R0,
        src: Operand::Imm(1),
    };
    prog.extend(std::iter::repeat_n(add, 3000));
    prog.push(Insn::Exit);
    let l = load(&encode(&prog), &LoadOptions::default()).unwrap();
    assert!(l.accepted(), "{}", l.log);
    assert!(l.log.len() > 128 * 1024, "log of {} bytes", l.log.len());
    assert!(l
        .log
        .lines()
        .any(|line| line.starts_with("3000: (07) r0 += 1 ") && line.ends_with("; R0=3000")));
    assert!(l.log.contains("processed 3002 insns"));
    assert_eq!(l.prog.unwrap().test_run(&[0u8; 64]).unwrap(), 3000);
}

/// With `BPF_LOG_STATS` (4) in the log level the kernel reports its statistics and its own run
/// time, and both parse.
#[test]
fn statistics_and_verification_time() {
    if let Err(e) = probe() {
        eprintln!(
            "SKIPPED (bpf(2) not permitted: {}) statistics_and_verification_time",
            e.reason
        );
        return;
    }
    let options = LoadOptions {
        log_level: 2 | 4,
        ..LoadOptions::default()
    };
    let loaded = load(&encode(&[mov_r0(1), Insn::Exit]), &options).unwrap();
    assert!(loaded.accepted(), "{}", loaded.log);
    let log = fuzz::log::Log::parse(&loaded.log).unwrap();
    let stats = log.stats().expect("a statistics line");
    assert_eq!(stats.processed, 2, "{}", loaded.log);
    assert_eq!(stats.total_states, Some(0), "{}", loaded.log);
    assert!(log.verification_time_usec().is_some(), "{}", loaded.log);
}
