//! The BTF of BTF-defined maps: the `.BTF` section libbpf needs to read a `.maps` section.
//!
//! A map definition in C (`struct { __uint(type, 2); __uint(key_size, 4); … } map0
//! SEC(".maps");`) is described in BTF as clang describes it: each `__uint(name, v)` member is
//! a pointer to an array of `v` ints (`int (*name)[v]`), the anonymous struct holds the
//! pointers, a global `VAR` of that struct names the map, and a `DATASEC` `.maps` lists the
//! variables with their offsets. libbpf reads the values back from the array lengths. The
//! encoding follows the kernel's BTF documentation (Documentation/bpf/btf.rst): a 24-byte
//! header, the type section, the string section, all little-endian.

use crate::corpus::record::MapSpec;

/// `BTF_KIND_*` numbers.
const KIND_INT: u32 = 1;
const KIND_PTR: u32 = 2;
const KIND_ARRAY: u32 = 3;
const KIND_STRUCT: u32 = 4;
const KIND_VAR: u32 = 14;
const KIND_DATASEC: u32 = 15;
/// `BTF_VAR_GLOBAL_ALLOCATED`.
const VAR_GLOBAL: u32 = 1;
/// `BTF_INT_SIGNED`.
const INT_SIGNED: u32 = 1;
/// Bytes of one map definition: four pointers.
pub const MAP_DEF_SIZE: u32 = 32;

/// A BTF blob under construction.
struct Builder {
    types: Vec<u8>,
    strings: Vec<u8>,
    next_id: u32,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            types: Vec::new(),
            strings: vec![0],
            next_id: 1,
        }
    }

    fn string(&mut self, s: &str) -> u32 {
        let off = self.strings.len() as u32;
        self.strings.extend_from_slice(s.as_bytes());
        self.strings.push(0);
        off
    }

    fn words(&mut self, words: &[u32]) {
        for w in words {
            self.types.extend_from_slice(&w.to_le_bytes());
        }
    }

    /// A `struct btf_type` header (`name_off`, `info`, `size_or_type`); returns the type id.
    fn header(&mut self, name_off: u32, kind: u32, vlen: u32, size_or_type: u32) -> u32 {
        self.words(&[name_off, (kind << 24) | vlen, size_or_type]);
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.types.len() + self.strings.len());
        out.extend_from_slice(&0xeb9f_u16.to_le_bytes());
        out.push(1); // version
        out.push(0); // flags
        let type_len = self.types.len() as u32;
        for w in [24, 0, type_len, type_len, self.strings.len() as u32] {
            out.extend_from_slice(&u32::to_le_bytes(w));
        }
        out.extend_from_slice(&self.types);
        out.extend_from_slice(&self.strings);
        out
    }
}

/// The `.BTF` section describing `maps` as the variables `names` in a `.maps` section, the
/// i-th at offset `i * MAP_DEF_SIZE`, with the `BPF_MAP_TYPE_*` numbers `types`.
pub fn maps_btf(maps: &[MapSpec], types: &[u32], names: &[String]) -> Vec<u8> {
    let mut b = Builder::new();
    let int_name = b.string("int");
    let int = b.header(int_name, KIND_INT, 0, 4);
    b.words(&[(INT_SIGNED << 24) | 32]);
    let index_name = b.string("__ARRAY_SIZE_TYPE__");
    let index = b.header(index_name, KIND_INT, 0, 4);
    b.words(&[32]);
    let member_names = [
        b.string("type"),
        b.string("key_size"),
        b.string("value_size"),
        b.string("max_entries"),
    ];
    let datasec_name = b.string(".maps");
    let mut vars = Vec::new();
    for (i, (m, name)) in maps.iter().zip(names).enumerate() {
        let values = [types[i], m.key_size, m.value_size, m.max_entries];
        let mut pointers = Vec::new();
        for v in values {
            let array = b.header(0, KIND_ARRAY, 0, 0);
            b.words(&[int, index, v]);
            pointers.push(b.header(0, KIND_PTR, 0, array));
        }
        let def = b.header(0, KIND_STRUCT, 4, MAP_DEF_SIZE);
        for (k, (&member, &ptr)) in member_names.iter().zip(&pointers).enumerate() {
            b.words(&[member, ptr, 64 * k as u32]);
        }
        let var_name = b.string(name);
        let var = b.header(var_name, KIND_VAR, 0, def);
        b.words(&[VAR_GLOBAL]);
        vars.push((var, MAP_DEF_SIZE * i as u32));
    }
    b.header(
        datasec_name,
        KIND_DATASEC,
        vars.len() as u32,
        MAP_DEF_SIZE * vars.len() as u32,
    );
    for (var, off) in vars {
        b.words(&[var, off, MAP_DEF_SIZE]);
    }
    b.finish()
}
