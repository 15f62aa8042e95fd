//! Family ids and multicast groups, resolved by name through nlctrl's
//! `CTRL_CMD_GETFAMILY` as ovs-dpctl does.

use crate::nl::{Client, Errno, Header};
use genl::ctrl::{
    CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS, CTRL_ATTR_MCAST_GRP_ID,
    CTRL_ATTR_MCAST_GRP_NAME, CTRL_CMD_GETFAMILY, GENL_ID_CTRL,
};

/// One resolved family.
#[derive(Debug, Clone, Default)]
pub struct Family {
    /// The family's name.
    pub name: String,
    /// Its id (the `nlmsg_type` of its messages).
    pub id: u16,
    /// Its multicast groups: name and id.
    pub groups: Vec<(String, u32)>,
}

impl Family {
    /// The id of the group named `name`.
    pub fn group(&self, name: &str) -> Option<u32> {
        self.groups
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }
}

/// Looks `name` up; `ENOENT` when the datapath has no such family.
pub fn resolve(client: &mut Client, name: &str) -> Result<Family, Errno> {
    let h = Header {
        family: GENL_ID_CTRL,
        cmd: CTRL_CMD_GETFAMILY,
        version: 1,
        ovs: None,
        flags: 0,
    };
    let replies = client.transact(h, false, |w| {
        w.attr_str(CTRL_ATTR_FAMILY_NAME, name.as_bytes())
    })?;
    let reply = replies.first().ok_or(Errno(libc::EPROTO))?;
    let mut fam = Family {
        name: name.to_string(),
        ..Family::default()
    };
    for a in reply.iter() {
        match a.kind {
            CTRL_ATTR_FAMILY_ID => fam.id = a.u16().ok_or(Errno(libc::EPROTO))?,
            CTRL_ATTR_MCAST_GROUPS => {
                for g in a.nested_iter() {
                    let mut gname = String::new();
                    let mut gid = 0;
                    for f in g.nested_iter() {
                        match f.kind {
                            CTRL_ATTR_MCAST_GRP_NAME => {
                                gname = String::from_utf8_lossy(f.c_str()).into_owned()
                            }
                            CTRL_ATTR_MCAST_GRP_ID => gid = f.u32().unwrap_or(0),
                            _ => {}
                        }
                    }
                    fam.groups.push((gname, gid));
                }
            }
            _ => {}
        }
    }
    if fam.id == 0 {
        return Err(Errno(libc::EPROTO));
    }
    Ok(fam)
}

/// The four OVS families.
#[derive(Debug, Clone)]
pub struct OvsFamilies {
    /// `ovs_datapath`.
    pub datapath: Family,
    /// `ovs_vport`.
    pub vport: Family,
    /// `ovs_flow`.
    pub flow: Family,
    /// `ovs_packet` (absent on a datapath that does not serve it).
    pub packet: Option<Family>,
}

impl OvsFamilies {
    /// Resolves all four (`ovs_packet` optionally).
    pub fn resolve(client: &mut Client) -> Result<OvsFamilies, Errno> {
        Ok(OvsFamilies {
            datapath: resolve(client, "ovs_datapath")?,
            vport: resolve(client, "ovs_vport")?,
            flow: resolve(client, "ovs_flow")?,
            packet: resolve(client, "ovs_packet").ok(),
        })
    }
}
