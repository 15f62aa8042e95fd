//! A model of what iproute2's `genl ctrl list` / `genl ctrl get` print.
//!
//! [`parse`] reads the families out of the text and [`render`] prints them
//! back the way iproute2 6.1 does. A text is in iproute2's exact format when
//! `render(&parse(text)?) == text`; the model itself is checked against the
//! host kernel's own `nlctrl` output by the `genl_cli` tests.

/// One operation line of a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// `CTRL_ATTR_OP_ID`.
    pub id: u32,
    /// `CTRL_ATTR_OP_FLAGS`; iproute2 shows them only for families whose
    /// version is at least 2.
    pub flags: Option<u32>,
}

/// One family as printed by iproute2.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Family {
    /// `Name:`.
    pub name: String,
    /// `ID:` (hex).
    pub id: u32,
    /// `Version:` (hex).
    pub version: u32,
    /// `header size:`.
    pub hdrsize: u32,
    /// `max attribs:`.
    pub maxattr: u32,
    /// The `commands supported:` section, if printed.
    pub ops: Option<Vec<Op>>,
    /// The `multicast groups:` section as `(id, name)`, if printed.
    pub groups: Option<Vec<(u32, String)>>,
}

enum Section {
    Header,
    Ops,
    Groups,
}

/// Extracts the families from `genl ctrl` output. Lenient about layout;
/// compare [`render`]'s result with the text to check the exact format.
pub fn parse(text: &str) -> Result<Vec<Family>, String> {
    let mut fams: Vec<Family> = Vec::new();
    let mut section = Section::Header;
    for line in text.split('\n') {
        if let Some(name) = line.strip_prefix("Name: ") {
            fams.push(Family {
                name: name.to_string(),
                ..Family::default()
            });
            section = Section::Header;
            continue;
        }
        let Some(fam) = fams.last_mut() else {
            if line.trim().is_empty() {
                continue;
            }
            return Err(format!("text before the first `Name:` line: {line:?}"));
        };
        if line.starts_with("\tID: ") {
            let t: Vec<&str> = line.split_whitespace().collect();
            match t.as_slice() {
                ["ID:", id, "Version:", v, "header", "size:", h, "max", "attribs:", m] => {
                    fam.id = hex(id)?;
                    fam.version = hex(v)?;
                    fam.hdrsize = dec(h)?;
                    fam.maxattr = dec(m)?;
                }
                _ => return Err(format!("unexpected family header line {line:?}")),
            }
        } else if line.starts_with("\tcommands supported:") {
            fam.ops = Some(Vec::new());
            section = Section::Ops;
        } else if line.starts_with("\tmulticast groups:") {
            fam.groups = Some(Vec::new());
            section = Section::Groups;
        } else if let Some(rest) = line.strip_prefix("\t\tCapabilities (") {
            let flags = hex(rest.trim_end_matches("):"))?;
            match fam.ops.as_mut().and_then(|ops| ops.last_mut()) {
                Some(op) => op.flags = Some(flags),
                None => return Err(format!("capabilities without a command: {line:?}")),
            }
        } else if line.starts_with("\t\t#") {
            let t: Vec<&str> = line.split_whitespace().collect();
            match (&section, t.as_slice()) {
                (Section::Ops, [_, id]) => fam.ops.get_or_insert_with(Vec::new).push(Op {
                    id: hex(id.trim_start_matches("ID-"))?,
                    flags: None,
                }),
                (Section::Groups, [_, id, "name:", name]) => fam
                    .groups
                    .get_or_insert_with(Vec::new)
                    .push((hex(id.trim_start_matches("ID-"))?, name.to_string())),
                _ => return Err(format!("unexpected entry line {line:?}")),
            }
        }
    }
    Ok(fams)
}

/// Prints families exactly as iproute2 6.1's `genl ctrl` does.
pub fn render(fams: &[Family]) -> String {
    fams.iter().map(render_family).collect()
}

/// Prints one family exactly as iproute2 6.1's `genl ctrl` does.
pub fn render_family(f: &Family) -> String {
    let mut s = format!(
        "\nName: {}\n\tID: 0x{:x}  Version: 0x{:x}  header size: {}  max attribs: {} \n",
        f.name, f.id, f.version, f.hdrsize, f.maxattr
    );
    if let Some(ops) = &f.ops {
        s.push_str("\tcommands supported: \n");
        for (i, op) in ops.iter().enumerate() {
            s.push_str(&format!("\t\t#{}:  ID-0x{:x} ", i + 1, op.id));
            if let Some(flags) = op.flags {
                s.push_str(&capabilities(flags));
            }
            s.push('\n');
        }
        s.push('\n');
    }
    if let Some(groups) = &f.groups {
        s.push_str("\tmulticast groups:\n");
        for (i, (id, name)) in groups.iter().enumerate() {
            s.push_str(&format!(
                "\t\t#{}:  ID-0x{:x}  name: {} \n",
                i + 1,
                id,
                name
            ));
        }
        s.push('\n');
    }
    s
}

/// The capabilities block iproute2 prints for an operation's flags.
fn capabilities(flags: u32) -> String {
    let mut s = format!("\n\t\tCapabilities (0x{flags:x}):\n ");
    if flags == 0 {
        s.push('\n');
        return s;
    }
    s.push_str("\t\t ");
    for (bit, text) in [
        (0x1, " requires admin permission;"),
        (0x2, " can doit;"),
        (0x4, " can dumpit;"),
        (0x8, " has policy"),
    ] {
        if flags & bit != 0 {
            s.push_str(text);
        }
    }
    s.push('\n');
    s
}

fn hex(s: &str) -> Result<u32, String> {
    u32::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|e| format!("{s:?}: {e}"))
}

fn dec(s: &str) -> Result<u32, String> {
    s.parse().map_err(|e| format!("{s:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `genl ctrl get name nlctrl` on Linux 6.18 with iproute2 6.1.
    const NLCTRL: &str = "\nName: nlctrl\n\tID: 0x10  Version: 0x2  header size: 0  max attribs: 0 \n\tcommands supported: \n\t\t#1:  ID-0x3 \n\t\tCapabilities (0xe):\n \t\t  can doit; can dumpit; has policy\n\n\t\t#2:  ID-0xa \n\t\tCapabilities (0xc):\n \t\t  can dumpit; has policy\n\n\n\tmulticast groups:\n\t\t#1:  ID-0x10  name: notify \n\n";

    #[test]
    fn nlctrl_round_trips() {
        let fams = parse(NLCTRL).unwrap();
        assert_eq!(fams.len(), 1);
        assert_eq!(fams[0].id, 0x10);
        assert_eq!(
            fams[0].ops.as_deref(),
            Some(
                &[
                    Op {
                        id: 3,
                        flags: Some(0xe)
                    },
                    Op {
                        id: 0xa,
                        flags: Some(0xc)
                    }
                ][..]
            )
        );
        assert_eq!(render(&fams), NLCTRL);
    }
}
