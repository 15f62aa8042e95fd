#!/usr/bin/env python3
"""Writes match.nls: flow keys and masks covering every OVS_KEY_ATTR_* rule,
for the oracle (../shared/oracle/scripts/run.sh). Each case becomes

  NEW with a UFID (echo: masked KEY + MASK), flush,
  NEW without (echo: unmasked KEY + MASK), GET by key (parse without mask),
  flush.

Usage (from the repository root; the oracle needs its kernel and initramfs
built once, see ../shared/oracle/README.md):

  python3 flowtable/tests/traces/gen_match_nls.py > flowtable/tests/traces/match.nls
  ../shared/oracle/scripts/run.sh -o /tmp/out flowtable/tests/traces/match.nls
  cp /tmp/out/match.trace flowtable/tests/traces/
"""

E = "OVS_KEY_ATTR_ETHERNET:hex:020000000001_020000000002"
EM = "OVS_KEY_ATTR_ETHERNET:hex:ffffffffffff_ffffffffffff"


def k(name, kind, val=None):
    return f"OVS_KEY_ATTR_{name}:{kind}" + (f":{val}" if val is not None else "")


def n(name, *items):
    return f"OVS_KEY_ATTR_{name}{{ " + " ".join(items) + " }"


def t(name, kind="flag", val=None):
    return f"OVS_TUNNEL_KEY_ATTR_{name}:{kind}" + (f":{val}" if val is not None else "")


def tun(*items):
    return n("TUNNEL", *items)


def et(v):
    return k("ETHERTYPE", "be16", hex(v))


def ipv4(src="0a000001", dst="0a000002", proto=17, tos=0, ttl=64, frag=0):
    return k("IPV4", "hex", f"{src}_{dst}_{proto:02x}{tos:02x}{ttl:02x}{frag:02x}")


def ipv6(src="20010db8000000000000000000000001", dst="20010db8000000000000000000000002",
         label=0, proto=17, tclass=0, hlimit=64, frag=0):
    return k("IPV6", "hex", f"{src}_{dst}_{label:08x}_{proto:02x}{tclass:02x}{hlimit:02x}{frag:02x}")


def ports(name, s, d):
    return k(name, "hex", f"{s:04x}{d:04x}")


def ip4m(v="ffffffff_ffffffff_ff000000"):
    return k("IPV4", "hex", v)


IN1 = k("IN_PORT", "u32", 1)
INM = k("IN_PORT", "u32", "0xffffffff")
ETM = et(0xffff)
UDP = ports("UDP", 0x1234, 0x5678)
UDPM = ports("UDP", 0xffff, 0xffff)
V4 = [IN1, E, et(0x0800), ipv4(), UDP]
V4M = [INM, EM, ETM, ip4m(), UDPM]
TUN4 = tun(t("ID", "be64", "0x0102030405060708"), t("IPV4_SRC", "hex", "c0a80001"),
           t("IPV4_DST", "hex", "c0a80002"), t("TOS", "u8", 4), t("TTL", "u8", 64),
           t("DONT_FRAGMENT"), t("CSUM"), t("TP_SRC", "be16", 1000), t("TP_DST", "be16", 4789), t("OAM"))
TUN4M = tun(t("ID", "be64", "0xffffffffffffffff"), t("IPV4_SRC", "hex", "ffffffff"),
            t("IPV4_DST", "hex", "ffffffff"), t("TOS", "u8", 0xff), t("TTL", "u8", 0xff),
            t("DONT_FRAGMENT"), t("CSUM"), t("TP_SRC", "be16", 0xffff), t("TP_DST", "be16", 0xffff), t("OAM"))
V6SRC, V6DST = "20010db8000000000000000000000011", "20010db8000000000000000000000022"
GEN8 = "0102_8001_aabbccdd"   # class 0x0102, type 0x80 (critical), len 1 word
GEN16 = "0102_0102_11223344_55667788_0203_0400"

cases = []


def case(label, key, mask=None, raw_key=None):
    cases.append((label, key, mask, raw_key))


# ---------------------------------------------------------------- L2 / metadata
case("l2", [IN1, E, et(0x88cc)], [INM, EM, ETM])
case("l2_exact", [IN1, E, et(0x88cc)])
case("l2_partial_eth", [IN1, E, et(0x88cc)], [INM, k("ETHERNET", "hex", "000000000000_ffffff000000"), ETM])
case("no_in_port", [E, et(0x88cc)], [EM, ETM])
case("no_in_port_exact", [E, et(0x88cc)])
case("no_in_port_mask_in_port", [E, et(0x88cc)], [INM, EM, ETM])
case("in_port_0", [k("IN_PORT", "u32", 0), E, et(0x88cc)], [INM, EM, ETM])
case("in_port_65534", [k("IN_PORT", "u32", 65534), E, et(0x88cc)])
case("in_port_65535", [k("IN_PORT", "u32", 65535), E, et(0x88cc)])
case("in_port_big", [k("IN_PORT", "u32", "0xffffffff"), E, et(0x88cc)])
case("in_port_mask_partial", [IN1, E, et(0x88cc)], [k("IN_PORT", "u32", 0xff), EM, ETM])
META = [k("PRIORITY", "u32", 7), k("SKB_MARK", "u32", 9), k("DP_HASH", "u32", 0x1234),
        k("RECIRC_ID", "u32", 5), k("CT_STATE", "u32", 0x21), k("CT_ZONE", "u16", 3),
        k("CT_MARK", "u32", 0xabcdef), k("CT_LABELS", "hex", "00112233445566778899aabbccddeeff")]
METAM = [k("PRIORITY", "u32", 0xff), k("SKB_MARK", "u32", "0xffffffff"), k("DP_HASH", "u32", 0xf),
         k("RECIRC_ID", "u32", "0xffffffff"), k("CT_STATE", "u32", 0x3f), k("CT_ZONE", "u16", 0xffff),
         k("CT_MARK", "u32", 0xff00), k("CT_LABELS", "hex", "ff" * 8 + "00" * 8)]
case("meta", META + [IN1, E, et(0x88cc)], METAM + [INM, EM, ETM])
case("meta_exact", META + [IN1, E, et(0x88cc)])
case("meta_zero_mask", META + [IN1, E, et(0x88cc)], [INM, EM, ETM])
case("ct_state_bad", [k("CT_STATE", "u32", 0x100), IN1, E, et(0x88cc)])
case("ct_state_mask_bad", [k("CT_STATE", "u32", 0x1), IN1, E, et(0x88cc)],
     [k("CT_STATE", "u32", "0xffffffff"), INM, EM, ETM])
case("ct_state_ff", [k("CT_STATE", "u32", 0xff), IN1, E, et(0x88cc)])
case("mask_attr_not_in_key", [IN1, E, et(0x88cc)], [k("SKB_MARK", "u32", 1), INM, EM, ETM])
case("mask_zero_attr_not_in_key", [IN1, E, et(0x88cc)], [k("SKB_MARK", "u32", 0), INM, EM, ETM])
case("mask_dup_zero", [IN1, E, et(0x88cc)], [k("SKB_MARK", "u32", 0), k("SKB_MARK", "u32", 0), INM, EM, ETM])
case("mask_dup_nonzero", [IN1, E, et(0x88cc)], [INM, INM, EM, ETM])
case("mask_type0_empty", [IN1, E, et(0x88cc)], ["0:flag", INM, EM, ETM])
case("key_type0_empty", ["0:flag", IN1, E, et(0x88cc)])
case("mask_empty", [IN1, E, et(0x88cc)], [])
case("mask_no_ethertype", [IN1, E, et(0x88cc)], [INM, EM])
case("mask_no_eth", [IN1, E, et(0x88cc)], [INM, ETM])
case("mask_eth_zero", [IN1, E, et(0x88cc)], [INM, k("ETHERNET", "zero", 12), ETM])
# 802.2 (no EtherType)
case("llc", [IN1, E], [INM, EM, ETM])
case("llc_exact", [IN1, E])
case("llc_mask_no_ethertype", [IN1, E], [INM, EM])
case("ethertype_5ff", [IN1, E, et(0x05ff)])
case("ethertype_600", [IN1, E, et(0x0600)])
case("no_l2", [IN1])
case("empty_key", [])
# layer 3 flows
case("l3_ipv4", [IN1, et(0x0800), ipv4(), UDP], [INM, ETM, ip4m(), UDPM])
case("l3_ipv4_exact", [IN1, et(0x0800), ipv4(), UDP])
case("l3_bad_ethertype", [IN1, et(0x0100)])
case("l3_mask_eth", [IN1, et(0x0800), ipv4(), UDP], [INM, EM, ETM, ip4m(), UDPM])
case("l3_mask_no_ethertype", [IN1, et(0x0800), ipv4(), UDP], [INM, ip4m(), UDPM])
# ---------------------------------------------------------------- IPv4
case("udp", V4, V4M)
case("udp_exact", V4)
case("udp_wild_proto", V4, [INM, EM, ETM, ip4m("ffffffff_ffffffff_00000000"), UDPM])
case("udp_no_l4_mask", V4, [INM, EM, ETM, ip4m("ffffffff_ffffffff_00000000")])
case("ipv4_no_eth_mask", V4, [INM, EM, ip4m(), UDPM])
case("missing_ipv4", [IN1, E, et(0x0800)])
case("missing_udp", [IN1, E, et(0x0800), ipv4()])
case("tcp", [IN1, E, et(0x0800), ipv4(proto=6), ports("TCP", 80, 8080), k("TCP_FLAGS", "be16", 0x12)],
     [INM, EM, ETM, ip4m(), ports("TCP", 0xffff, 0), k("TCP_FLAGS", "be16", 0xfff)])
case("tcp_exact", [IN1, E, et(0x0800), ipv4(proto=6), ports("TCP", 80, 8080), k("TCP_FLAGS", "be16", 0x12)])
case("tcp_no_flags", [IN1, E, et(0x0800), ipv4(proto=6), ports("TCP", 80, 8080)])
case("tcp_flags_only_mask", [IN1, E, et(0x0800), ipv4(proto=6), ports("TCP", 80, 8080), k("TCP_FLAGS", "be16", 2)],
     [INM, EM, ETM, ip4m(), k("TCP_FLAGS", "be16", 2)])
case("sctp", [IN1, E, et(0x0800), ipv4(proto=132), ports("SCTP", 1, 2)],
     [INM, EM, ETM, ip4m(), ports("SCTP", 0xffff, 0xffff)])
case("sctp_exact", [IN1, E, et(0x0800), ipv4(proto=132), ports("SCTP", 1, 2)])
case("icmp", [IN1, E, et(0x0800), ipv4(proto=1), k("ICMP", "hex", "0800")],
     [INM, EM, ETM, ip4m(), k("ICMP", "hex", "ff00")])
case("icmp_exact", [IN1, E, et(0x0800), ipv4(proto=1), k("ICMP", "hex", "0300")])
case("ipv4_proto99", [IN1, E, et(0x0800), ipv4(proto=99)], [INM, EM, ETM, ip4m()])
case("ipv4_frag_later_tcp", [IN1, E, et(0x0800), ipv4(proto=6, frag=2)])
case("ipv4_frag_first_tcp", [IN1, E, et(0x0800), ipv4(proto=6, frag=1), ports("TCP", 1, 2), k("TCP_FLAGS", "be16", 0)])
case("ipv4_frag_3", [IN1, E, et(0x0800), ipv4(proto=99, frag=3)])
case("ipv4_frag_mask_ff", [IN1, E, et(0x0800), ipv4(proto=99, frag=1)], [INM, EM, ETM, ip4m("ffffffff_ffffffff_ffffffff")])
case("ipv4_tos_ttl", [IN1, E, et(0x0800), ipv4(proto=99, tos=0xb8, ttl=3)], [INM, EM, ETM, ip4m("ffffff00_00ffffff_fffcff03")])
case("ipv4_extra_ipv6_attr", V4 + [ipv6()], V4M)
case("ipv4_extra_arp_attr", V4 + [k("ARP", "hex", "0b000001_0b000002_0002_020000000009_02000000000a_0000")], V4M)
case("ipv4_extra_exthdrs", V4 + [k("IPV6_EXTHDRS", "u16", 0x41)], V4M + [k("IPV6_EXTHDRS", "u16", 0xffff)])
case("ipv4_extra_tcp_attr", V4 + [ports("TCP", 7, 7)], V4M)
case("ipv4_extra_tcp_mask", V4 + [ports("TCP", 7, 7)], V4M + [ports("TCP", 0xffff, 0xffff)])
case("ipv4_extra_icmp", V4 + [k("ICMP", "hex", "0102")], V4M)
case("ipv4_mpls_attr", V4 + [k("MPLS", "hex", "00001140")], V4M)
case("ipv4_label_attr_overlaps", [IN1, E, et(0x0800), ipv6(proto=17), ipv4(), UDP], V4M)
# ---------------------------------------------------------------- IPv6
V6 = [IN1, E, et(0x86dd), ipv6(), UDP]
V6M = [INM, EM, ETM, ipv6("f" * 32, "f" * 32, 0xfffff, 0xff, 0, 0, 0), UDPM]
case("ipv6_udp", V6, V6M)
case("ipv6_udp_exact", V6)
case("ipv6_exthdrs", V6 + [k("IPV6_EXTHDRS", "u16", 0x41)], V6M + [k("IPV6_EXTHDRS", "u16", 0x1ff)])
case("ipv6_exthdrs_exact", V6 + [k("IPV6_EXTHDRS", "u16", 0x41)])
case("ipv6_label_max", [IN1, E, et(0x86dd), ipv6(label=0xfffff), UDP])
case("ipv6_label_big", [IN1, E, et(0x86dd), ipv6(label=0x100000), UDP])
case("ipv6_label_mask_big", V6, [INM, EM, ETM, ipv6("f" * 32, "f" * 32, 0xffffffff, 0xff, 0xff, 0xff, 0xff), UDPM])
case("ipv6_frag_3", [IN1, E, et(0x86dd), ipv6(proto=99, frag=3)])
case("ipv6_frag_later_udp", [IN1, E, et(0x86dd), ipv6(proto=17, frag=2)])
case("ipv6_tcp", [IN1, E, et(0x86dd), ipv6(proto=6), ports("TCP", 22, 33), k("TCP_FLAGS", "be16", 0x10)])
case("ipv6_tcp_no_flags", [IN1, E, et(0x86dd), ipv6(proto=6), ports("TCP", 22, 33)])
case("ipv6_sctp", [IN1, E, et(0x86dd), ipv6(proto=132), ports("SCTP", 5, 6)])
case("ipv6_missing", [IN1, E, et(0x86dd)])
case("icmpv6_echo", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8000")],
     [INM, EM, ETM, ipv6("f" * 32, "0" * 32, 0, 0xff, 0, 0, 0), k("ICMPV6", "hex", "ffff")])
case("icmpv6_missing", [IN1, E, et(0x86dd), ipv6(proto=58)])
ND_ATTR = k("ND", "hex", "fe800000000000000000000000000001_020000000007_000000000000")
NDM = k("ND", "hex", "f" * 32 + "_ffffffffffff_ffffffffffff")
case("nd_ns", [IN1, E, et(0x86dd), ipv6(proto=58, hlimit=255), k("ICMPV6", "hex", "8700"), ND_ATTR],
     [INM, EM, ETM, ipv6("0" * 32, "0" * 32, 0, 0xff, 0, 0xff, 0), k("ICMPV6", "hex", "ffff"), NDM])
case("nd_ns_exact", [IN1, E, et(0x86dd), ipv6(proto=58, hlimit=255), k("ICMPV6", "hex", "8700"), ND_ATTR])
case("nd_na_exact", [IN1, E, et(0x86dd), ipv6(proto=58, hlimit=255), k("ICMPV6", "hex", "8800"), ND_ATTR])
case("nd_missing", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8700")])
case("nd_mask_type_not_exact", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8700"), ND_ATTR],
     [INM, EM, ETM, ipv6("0" * 32, "0" * 32, 0, 0xff, 0, 0, 0), k("ICMPV6", "hex", "f000"), NDM])
case("nd_mask_code_only", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8700"), ND_ATTR],
     [INM, EM, ETM, ipv6("0" * 32, "0" * 32, 0, 0xff, 0, 0, 0), k("ICMPV6", "hex", "00ff")])
case("nd_attr_non_nd", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8000"), ND_ATTR],
     [INM, EM, ETM, ipv6("0" * 32, "0" * 32, 0, 0xff, 0, 0, 0), k("ICMPV6", "hex", "ffff")])
case("nd_mask_wild_type", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "ff00")],
     [INM, EM, ETM, ipv6("0" * 32, "0" * 32, 0, 0xff, 0, 0, 0), k("ICMPV6", "hex", "8700")])
case("icmp_in_ipv6", [IN1, E, et(0x86dd), ipv6(proto=1), k("ICMP", "hex", "0800")])
case("icmp_in_ipv6_masked", [IN1, E, et(0x86dd), ipv6(proto=1), k("ICMP", "hex", "0800")],
     [INM, EM, ETM, ipv6("0" * 32, "0" * 32, 0, 0xff, 0, 0, 0)])
# ---------------------------------------------------------------- ARP
ARP = k("ARP", "hex", "0a000003_0a000004_0001_020000000003_000000000000_0000")
case("arp", [IN1, E, et(0x0806), ARP], [INM, EM, ETM, k("ARP", "hex", "ffffffff_00000000_00ff_ffffffffffff_000000000000_0000")])
case("arp_exact", [IN1, E, et(0x0806), ARP])
case("arp_pad_nonzero", [IN1, E, et(0x0806), k("ARP", "hex", "0a000003_0a000004_0001_020000000003_000000000000_abcd")])
case("arp_op_big", [IN1, E, et(0x0806), k("ARP", "hex", "0a000003_0a000004_0100_020000000003_000000000000_0000")])
case("arp_op_ff", [IN1, E, et(0x0806), k("ARP", "hex", "0a000003_0a000004_00ff_020000000003_000000000000_0000")])
case("arp_mask_op_ffff", [IN1, E, et(0x0806), ARP], [INM, EM, ETM, k("ARP", "hex", "ffffffff_ffffffff_ffff_ffffffffffff_ffffffffffff_ffff")])
case("rarp", [IN1, E, et(0x8035), ARP])
case("arp_missing", [IN1, E, et(0x0806)])
case("arp_mask_no_ethertype", [IN1, E, et(0x0806), ARP], [INM, EM, k("ARP", "hex", "ff" * 24)])
case("arp_with_ct4", [IN1, E, et(0x0806), ARP, k("CT_ORIG_TUPLE_IPV4", "hex", "01020304_05060708_0009_000a_06_000000")],
     [INM, EM, ETM, k("ARP", "hex", "ff" * 24)])
# ---------------------------------------------------------------- MPLS
case("mpls1", [IN1, E, et(0x8847), k("MPLS", "hex", "00001140")], [INM, EM, ETM, k("MPLS", "hex", "fffff000")])
case("mpls1_exact", [IN1, E, et(0x8847), k("MPLS", "hex", "00001140")])
case("mpls2_exact", [IN1, E, et(0x8847), k("MPLS", "hex", "00001040_00002140")])
case("mpls3", [IN1, E, et(0x8848), k("MPLS", "hex", "00001040_00002040_00003140")],
     [INM, EM, ETM, k("MPLS", "hex", "ffffffff_ffffffff_ffffffff")])
case("mpls3_mask1", [IN1, E, et(0x8847), k("MPLS", "hex", "00001040_00002040_00003140")],
     [INM, EM, ETM, k("MPLS", "hex", "ffffffff")])
case("mpls1_mask3", [IN1, E, et(0x8847), k("MPLS", "hex", "00001140")],
     [INM, EM, ETM, k("MPLS", "hex", "ffffffff_ffffffff_ffffffff")])
case("mpls_no_mask_attr", [IN1, E, et(0x8847), k("MPLS", "hex", "00001140")], [INM, EM, ETM])
case("mpls4", [IN1, E, et(0x8847), k("MPLS", "hex", "00001040_00002040_00003040_00004140")])
case("mpls_5bytes", [IN1, E, et(0x8847), k("MPLS", "hex", "0000114000")])
case("mpls_empty", [IN1, E, et(0x8847), "OVS_KEY_ATTR_MPLS:flag"])
case("mpls_missing", [IN1, E, et(0x8847)])
# ---------------------------------------------------------------- NSH
NSHB = "OVS_NSH_KEY_ATTR_BASE:hex:00_3f_01_03_00000aff"
NSHMD1 = "OVS_NSH_KEY_ATTR_MD1:hex:01010101_02020202_03030303_04040404"
case("nsh", [IN1, E, et(0x894f), n("NSH", NSHB, NSHMD1)],
     [INM, EM, ETM, n("NSH", "OVS_NSH_KEY_ATTR_BASE:hex:ff_00_ff_ff_ffffffff", "OVS_NSH_KEY_ATTR_MD1:hex:ffffffff_00000000_ffffffff_00000000")])
case("nsh_exact", [IN1, E, et(0x894f), n("NSH", NSHB, NSHMD1)])
case("nsh_base_only", [IN1, E, et(0x894f), n("NSH", NSHB)])
case("nsh_md2type_base", [IN1, E, et(0x894f), n("NSH", "OVS_NSH_KEY_ATTR_BASE:hex:00_3f_02_03_00000aff")])
case("nsh_md1_type2", [IN1, E, et(0x894f), n("NSH", "OVS_NSH_KEY_ATTR_BASE:hex:00_3f_02_03_00000aff", NSHMD1)])
case("nsh_md2", [IN1, E, et(0x894f), n("NSH", "OVS_NSH_KEY_ATTR_BASE:hex:00_3f_02_03_00000aff", "OVS_NSH_KEY_ATTR_MD2:hex:00010203")])
case("nsh_empty", [IN1, E, et(0x894f), n("NSH")])
case("nsh_missing", [IN1, E, et(0x894f)])
case("nsh_bad_len", [IN1, E, et(0x894f), n("NSH", "OVS_NSH_KEY_ATTR_BASE:hex:00_3f_01_03")])
case("nsh_type4", [IN1, E, et(0x894f), n("NSH", NSHB, "4:hex:00000000")])
case("nsh_mask_base_only", [IN1, E, et(0x894f), n("NSH", NSHB, NSHMD1)],
     [INM, EM, ETM, n("NSH", "OVS_NSH_KEY_ATTR_BASE:hex:ff_ff_ff_ff_ffffffff")])
# ---------------------------------------------------------------- VLAN
def vlan(tpid, tci, *inner):
    return [et(tpid), k("VLAN", "be16", hex(tci)), n("ENCAP", *inner)]


IN4 = [et(0x0800), ipv4(), UDP]
IN4M = [ETM, ip4m(), UDPM]
case("vlan", [IN1, E] + vlan(0x8100, 0x1005, *IN4), [INM, EM] + vlan(0xffff, 0xffff, *IN4M))
case("vlan_exact", [IN1, E] + vlan(0x8100, 0x1005, *IN4))
case("vlan_vid_mask", [IN1, E] + vlan(0x8100, 0x3005, *IN4), [INM, EM] + vlan(0xffff, 0x1fff, *IN4M))
case("vlan_ad", [IN1, E] + vlan(0x88a8, 0x1064, *IN4), [INM, EM] + vlan(0xffff, 0xffff, *IN4M))
case("qinq", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, *IN4)),
     [INM, EM] + vlan(0xffff, 0xffff, *vlan(0xffff, 0xffff, *IN4M)))
case("qinq_exact", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, *IN4)))
case("qinq_inner_mask_absent", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, *IN4)),
     [INM, EM] + vlan(0xffff, 0xffff, ETM))
case("triple", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, et(0x8100))))
case("triple_masked", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, et(0x8100))),
     [INM, EM] + vlan(0xffff, 0xffff, *vlan(0xffff, 0xffff, ETM)))
case("triple_deeper", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, *vlan(0x8100, 0x1007, *IN4))))
case("vlan_no_cfi", [IN1, E] + vlan(0x8100, 0x0005, *IN4))
case("vlan_truncated", [IN1, E] + vlan(0x8100, 0))
case("vlan_truncated_masked", [IN1, E] + vlan(0x8100, 0), [INM, EM, ETM])
case("vlan_truncated_nonempty", [IN1, E] + vlan(0x8100, 0, *IN4))
case("vlan_truncated_inner", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0)),
     [INM, EM] + vlan(0xffff, 0xffff, ETM))
case("vlan_no_encap", [IN1, E, et(0x8100), k("VLAN", "be16", "0x1005")])
case("vlan_no_vlan", [IN1, E, et(0x8100), n("ENCAP", *IN4)])
case("vlan_stray", [IN1, E, k("VLAN", "be16", "0x1005"), et(0x0800), ipv4(), UDP])
case("vlan_l3", [IN1, k("VLAN", "be16", "0x1005"), et(0x0800), ipv4(), UDP])
case("vlan_encap_llc", [IN1, E] + vlan(0x8100, 0x1005), [INM, EM] + vlan(0xffff, 0xffff, ETM))
case("vlan_encap_llc_exact", [IN1, E] + vlan(0x8100, 0x1005))
case("vlan_mask_for_non_vlan", V4, [INM, EM] + vlan(0xffff, 0xffff, *IN4M))
case("vlan_mask_tpid_partial", [IN1, E] + vlan(0x8100, 0x1005, *IN4), [INM, EM] + vlan(0xff00, 0xffff, *IN4M))
case("vlan_mask_tci_no_cfi", [IN1, E] + vlan(0x8100, 0x1005, *IN4), [INM, EM] + vlan(0xffff, 0x0fff, *IN4M))
case("vlan_mask_tci_zero", [IN1, E] + vlan(0x8100, 0x1005, *IN4), [INM, EM, ETM, k("VLAN", "be16", 0), n("ENCAP", *IN4M)])
case("vlan_mask_no_tpid", [IN1, E] + vlan(0x8100, 0x1005, *IN4), [INM, EM, k("VLAN", "be16", "0xffff"), n("ENCAP", *IN4M)])
case("vlan_mask_no_encap", [IN1, E] + vlan(0x8100, 0x1005, *IN4), [INM, EM, ETM, k("VLAN", "be16", "0xffff")])
case("vlan_mask_encap_only_eth", [IN1, E] + vlan(0x8100, 0x1005, *IN4), [INM, EM, ETM])
case("vlan_mask_empty_encap", [IN1, E] + vlan(0x8100, 0x1005, *IN4), [INM, EM] + vlan(0xffff, 0xffff))
case("vlan_meta_in_encap", [IN1, E] + vlan(0x8100, 0x1005, k("SKB_MARK", "u32", 3), *IN4))
case("vlan_dup_in_encap", [IN1, E] + vlan(0x8100, 0x1005, IN1, *IN4))
case("vlan_tcp", [IN1, E] + vlan(0x8100, 0x1005, et(0x0800), ipv4(proto=6), ports("TCP", 1, 2), k("TCP_FLAGS", "be16", 0)),
     [INM, EM] + vlan(0xffff, 0xefff, ETM, ip4m(), ports("TCP", 0xffff, 0xffff)))
case("vlan_ipv6_nd", [IN1, E] + vlan(0x8100, 0x1005, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8800"), ND_ATTR))
# ---------------------------------------------------------------- tunnels
L2 = [IN1, E, et(0x88cc)]
L2M = [INM, EM, ETM]
case("tun4", [TUN4] + L2, [TUN4M] + L2M)
case("tun4_exact", [TUN4] + L2)
case("tun4_min_exact", [tun(t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64))] + L2)
case("tun4_min", [tun(t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64))] + L2,
     [tun(t("IPV4_DST", "hex", "ffffffff"))] + L2M)
case("tun4_mask_empty", [tun(t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64))] + L2, [tun()] + L2M)
case("tun4_no_tun_mask", [TUN4] + L2, L2M)
case("tun_mask_only", L2, [TUN4M] + L2M)
case("tun_mask_v6_only", L2, [tun(t("IPV6_DST", "hex", "f" * 32))] + L2M)
case("tun4_mask_v6", [tun(t("IPV4_SRC", "hex", "c0a80001"), t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64))] + L2,
     [tun(t("IPV6_SRC", "hex", "ff" * 4 + "00" * 12), t("IPV6_DST", "hex", "00" * 4 + "ff" * 12))] + L2M)
case("tun6", [tun(t("ID", "be64", 5), t("IPV6_SRC", "hex", V6SRC), t("IPV6_DST", "hex", V6DST), t("TTL", "u8", 9), t("TOS", "u8", 1))] + L2,
     [tun(t("ID", "be64", "0xffffffffffffffff"), t("IPV6_SRC", "hex", "f" * 32), t("IPV6_DST", "hex", "f" * 32), t("TTL", "u8", 0xff))] + L2M)
case("tun6_exact", [tun(t("IPV6_DST", "hex", V6DST), t("TTL", "u8", 9))] + L2)
case("tun6_zero_dst", [tun(t("IPV6_SRC", "hex", V6SRC), t("IPV6_DST", "hex", "0" * 32), t("TTL", "u8", 9))] + L2)
case("tun_mixed", [tun(t("IPV4_DST", "hex", "c0a80002"), t("IPV6_DST", "hex", V6DST), t("TTL", "u8", 9))] + L2)
case("tun_no_ttl", [tun(t("IPV4_DST", "hex", "c0a80002"))] + L2)
case("tun_zero_dst", [tun(t("IPV4_SRC", "hex", "c0a80001"), t("TTL", "u8", 9))] + L2)
case("tun_no_addr", [tun(t("TTL", "u8", 9))] + L2)
case("tun_empty", [tun()] + L2)
case("tun_ttl0", [tun(t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 0))] + L2)
case("tun_bridge", [tun(t("IPV4_INFO_BRIDGE"))] + L2)
case("tun_bridge_id", [tun(t("ID", "be64", 7), t("IPV4_INFO_BRIDGE"))] + L2)
case("tun_bridge_masked", [tun(t("ID", "be64", 7), t("IPV4_INFO_BRIDGE"))] + L2, [tun(t("ID", "be64", "0xffffffffffffffff"), t("IPV4_INFO_BRIDGE"))] + L2M)
case("tun_bridge_ttl", [tun(t("IPV4_INFO_BRIDGE"), t("TTL", "u8", 1))] + L2)
case("tun_bridge_csum", [tun(t("IPV4_INFO_BRIDGE"), t("CSUM"))] + L2)
case("tun_bridge_v6", [tun(t("IPV4_INFO_BRIDGE"), t("IPV6_DST", "hex", V6DST), t("TTL", "u8", 1))] + L2)
case("tun_pad", [tun(t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64), t("PAD"))] + L2)
case("tun_pad_nonempty", [tun(t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64), t("PAD", "u32", 0))] + L2)
case("tun_type17", [tun(t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64), "17:flag")] + L2)
case("tun_bad_len", [tun(t("IPV4_DST", "hex", "c0a8000200"), t("TTL", "u8", 64))] + L2)
case("tun_flag_with_payload", [tun(t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64), t("CSUM", "u8", 1))] + L2)
TB = [t("IPV4_DST", "hex", "c0a80002"), t("TTL", "u8", 64)]
case("geneve", [tun(*TB, t("GENEVE_OPTS", "hex", GEN8))] + L2,
     [tun(t("IPV4_DST", "hex", "ffffffff"), t("GENEVE_OPTS", "hex", "ffff_ff00_ffffffff"))] + L2M)
case("geneve_exact", [tun(*TB, t("GENEVE_OPTS", "hex", GEN16))] + L2)
case("geneve_empty", [tun(*TB, t("GENEVE_OPTS", "hex", ""))] + L2)
case("geneve_len6", [tun(*TB, t("GENEVE_OPTS", "hex", "0102_8001_aabb"))] + L2)
case("geneve_mask_len_differs", [tun(*TB, t("GENEVE_OPTS", "hex", GEN16))] + L2,
     [tun(t("GENEVE_OPTS", "hex", "ffffffff_ffffffff"))] + L2M)
case("geneve_mask_without_key_opts", [tun(*TB)] + L2, [tun(t("GENEVE_OPTS", "hex", "ffffffff"))] + L2M)
case("geneve_mask_no_opts", [tun(*TB, t("GENEVE_OPTS", "hex", GEN8))] + L2, [tun(t("IPV4_DST", "hex", "ffffffff"))] + L2M)
case("geneve_mask_vxlan", [tun(*TB, t("GENEVE_OPTS", "hex", GEN8))] + L2,
     [tun("OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ OVS_VXLAN_EXT_GBP:u32:0xffffffff }")] + L2M)
case("geneve_and_vxlan", [tun(*TB, t("GENEVE_OPTS", "hex", GEN8), "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ OVS_VXLAN_EXT_GBP:u32:1 }")] + L2)
case("vxlan", [tun(*TB, "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ OVS_VXLAN_EXT_GBP:u32:0x123 }")] + L2,
     [tun(t("IPV4_DST", "hex", "ffffffff"), "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ OVS_VXLAN_EXT_GBP:u32:0xff }")] + L2M)
case("vxlan_exact", [tun(*TB, "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ OVS_VXLAN_EXT_GBP:u32:0x123 }")] + L2)
case("vxlan_empty", [tun(*TB, "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ }")] + L2)
case("vxlan_type0", [tun(*TB, "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ 0:flag }")] + L2)
case("vxlan_type2", [tun(*TB, "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ 2:u32:1 }")] + L2)
case("vxlan_gbp_short", [tun(*TB, "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ OVS_VXLAN_EXT_GBP:u16:1 }")] + L2)
case("vxlan_dup_gbp", [tun(*TB, "OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS{ OVS_VXLAN_EXT_GBP:u32:1 OVS_VXLAN_EXT_GBP:u32:2 }")] + L2)
case("erspan", [tun(*TB, t("ERSPAN_OPTS", "hex", "01000000_00000abc_00000000"))] + L2,
     [tun(t("ERSPAN_OPTS", "hex", "ffffffff_ffffffff_00000000"))] + L2M)
case("erspan_exact", [tun(*TB, t("ERSPAN_OPTS", "hex", "02000000_11223344_55667788"))] + L2)
case("erspan_8", [tun(*TB, t("ERSPAN_OPTS", "hex", "01000000_00000abc"))] + L2)
case("erspan_16", [tun(*TB, t("ERSPAN_OPTS", "hex", "01000000_00000abc_11111111_22222222"))] + L2)
case("erspan_8_masked", [tun(*TB, t("ERSPAN_OPTS", "hex", "01000000_00000abc"))] + L2,
     [tun(t("ERSPAN_OPTS", "hex", "ffffffff_ffffffff_ffffffff"))] + L2M)
case("tun_in_encap", [IN1, E] + vlan(0x8100, 0x1005, tun(*TB), *IN4))
case("tun_with_ipv4_flow", [TUN4] + V4)
# ---------------------------------------------------------------- conntrack tuples
CT4 = k("CT_ORIG_TUPLE_IPV4", "hex", "0a000001_0a000002_1234_5678_11_000000")
CT4M = k("CT_ORIG_TUPLE_IPV4", "hex", "ffffffff_ffffffff_ffff_ffff_ff_000000")
CT6 = k("CT_ORIG_TUPLE_IPV6", "hex", V6SRC + V6DST + "_1234_5678_11_000000")
CT6M = k("CT_ORIG_TUPLE_IPV6", "hex", "ff" * 32 + "_ffff_ffff_ff_000000")
case("ct4", [k("CT_STATE", "u32", 0x22)] + V4 + [CT4], [k("CT_STATE", "u32", 0xff)] + V4M + [CT4M])
case("ct4_exact", [k("CT_STATE", "u32", 0x22)] + V4 + [CT4])
case("ct4_pad_nonzero", V4 + [k("CT_ORIG_TUPLE_IPV4", "hex", "0a000001_0a000002_1234_5678_11_aabbcc")])
case("ct4_no_mask_attr", V4 + [CT4], V4M)
case("ct4_proto0", V4 + [k("CT_ORIG_TUPLE_IPV4", "hex", "0a000001_0a000002_1234_5678_00_000000")])
case("ct4_in_ipv6", V6 + [CT4])
case("ct4_in_ipv6_masked", V6 + [CT4], V6M)
case("ct6", V6 + [CT6], V6M + [CT6M])
case("ct6_exact", V6 + [CT6])
case("ct6_in_ipv4_masked", V4 + [CT6], V4M)
case("ct6_with_nd", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8700"), ND_ATTR, CT6])
case("ct6_with_nd_masked", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8700"), ND_ATTR, CT6],
     [INM, EM, ETM, ipv6("0" * 32, "0" * 32, 0, 0xff, 0, 0, 0), k("ICMPV6", "hex", "ffff"), NDM])
case("ct6_mask_with_nd", [IN1, E, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8700"), ND_ATTR, CT6],
     [INM, EM, ETM, ipv6("0" * 32, "0" * 32, 0, 0xff, 0, 0, 0), k("ICMPV6", "hex", "ffff"), NDM, CT6M])
case("ct6_mask_eth_wild", V6 + [CT6], [INM, EM, CT6M])
case("ct4_arp_masked", [IN1, E, et(0x0806), ARP, CT4], [INM, EM, ETM, k("ARP", "hex", "ff" * 24)])
# ---------------------------------------------------------------- attribute-level errors
case("type29", L2 + ["29:u32:0"])
case("type30", L2 + ["30:u32:0"])
case("type31", L2 + ["31:u32:0"])
case("type33", L2 + ["33:u32:0"])
case("type29_in_mask", L2, L2M + ["29:zero:4"])
case("type33_in_mask", L2, L2M + ["33:zero:4"])
case("dup_key", L2 + [k("SKB_MARK", "u32", 1), k("SKB_MARK", "u32", 1)])
case("bad_len_in_port", [k("IN_PORT", "u16", 1), E, et(0x88cc)])
case("bad_len_mask", L2, [k("IN_PORT", "u16", 0xffff), EM, ETM])
case("bad_len_zero_mask", L2, [k("SKB_MARK", "zero", 2), INM, EM, ETM])
case("nested_flag_attrs", ["OVS_KEY_ATTR_TUNNEL+{ " + " ".join(TB) + " }"] + L2)
case("trailing_bytes", L2, None, "raw:0000")
case("unpadded_last", [IN1, E], None, "raw:0600_0600_88cc")
case("padded_last", [IN1, E], None, "raw:0600_0600_88cc_0000")
case("trailing_mask_bytes", L2, L2M + ["raw:00000000"])

# ---------------------------------------------------------------- odd corners
# an unpadded last attribute: fine at the end of TUNNEL (only rem > 0 is
# checked there), not at the end of ENCAP; the 2-3 raw bytes pad the
# enclosing KEY so that only the inner level sees it
case("tun_unpadded_last", L2 + [tun(*TB, "raw:0500_0300_07"), "raw:000000"])
case("encap_unpadded_last", [IN1, E, et(0x8100), k("VLAN", "be16", "0x1005"),
                             n("ENCAP", *IN4, "raw:0600_1700_0500"), "raw:0000"])
case("encap_padded_last", [IN1, E, et(0x8100), k("VLAN", "be16", "0x1005"),
                           n("ENCAP", *IN4, "raw:0600_1700_0500_0000")])
case("geneve_252", [tun(*TB, t("GENEVE_OPTS", "hex", "0102_803e" + "11" * 248))] + L2)
case("geneve_256", [tun(*TB, t("GENEVE_OPTS", "hex", "0102_803f" + "11" * 252))] + L2)
case("erspan_255", [tun(*TB, t("ERSPAN_OPTS", "hex", "ab" * 255))] + L2)
case("erspan_256", [tun(*TB, t("ERSPAN_OPTS", "hex", "ab" * 256))] + L2)
case("erspan_0", [tun(*TB, t("ERSPAN_OPTS", "hex", ""))] + L2)
case("ct4_in_mpls", [IN1, E, et(0x8847), k("MPLS", "hex", "00001140"), CT4], [INM, EM, ETM, k("MPLS", "hex", "ffffffff")])
case("type33_in_encap", [IN1, E] + vlan(0x8100, 0x1005, *IN4, "33:u32:0"))
case("in_port_mask_partial_no_key", [E, et(0x88cc)], [k("IN_PORT", "u32", 0xff), EM, ETM])
case("l3_vlan_ethertype", [IN1, et(0x8100)], [INM, ETM])
case("l3_vlan_ethertype_exact", [IN1, et(0x8100)])
case("l3_ipv6_nd", [IN1, et(0x86dd), ipv6(proto=58), k("ICMPV6", "hex", "8700"), ND_ATTR])
case("qinq_ad_ad", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x88a8, 0x1005, *IN4)))
case("vlan_eth_in_encap", [IN1, E] + vlan(0x8100, 0x1005, E, *IN4))
case("vlan_mask_inner_for_single", [IN1, E] + vlan(0x8100, 0x1005, *IN4),
     [INM, EM] + vlan(0xffff, 0xffff, *vlan(0xffff, 0xffff, *IN4M)))
case("qinq_mask_inner_tpid_zero", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, *IN4)),
     [INM, EM] + vlan(0xffff, 0xffff, et(0), k("VLAN", "be16", "0xffff"), n("ENCAP", *IN4M)))
case("qinq_mask_inner_vlan_zero", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, *IN4)),
     [INM, EM] + vlan(0xffff, 0xffff, ETM, k("VLAN", "be16", 0), n("ENCAP", *IN4M)))
case("qinq_mask_outer_vlan_zero", [IN1, E] + vlan(0x88a8, 0x1064, *vlan(0x8100, 0x1005, *IN4)),
     [INM, EM, ETM, k("VLAN", "be16", 0), n("ENCAP", *vlan(0xffff, 0xffff, *IN4M))])
case("vlan_mask_skb_mark_in_encap", [IN1, E, k("SKB_MARK", "u32", 5)] + vlan(0x8100, 0x1005, *IN4),
     [INM, EM] + vlan(0xffff, 0xffff, k("SKB_MARK", "u32", 0xff), *IN4M))
case("tun_mask_df_only", [tun(*TB)] + L2, [tun(t("DONT_FRAGMENT"), t("ID", "be64", 0))] + L2M)
case("tun_exact_tos_tp", [tun(t("IPV6_DST", "hex", V6DST), t("TTL", "u8", 1), t("TOS", "u8", 3), t("TP_SRC", "be16", 7))] + L2)
case("dp_hash_mask_only", [IN1, E, et(0x88cc)], [INM, EM, ETM, k("DP_HASH", "u32", 1)])
case("nested_flag_encap", [IN1, E, et(0x8100), k("VLAN", "be16", "0x1005"), "OVS_KEY_ATTR_ENCAP+{ " + " ".join(IN4) + " }"])
case("nested_flag_mask", [IN1, E] + vlan(0x8100, 0x1005, *IN4),
     [INM, EM, ETM, k("VLAN", "be16", "0xffff"), "OVS_KEY_ATTR_ENCAP+{ " + " ".join(IN4M) + " }"])
case("icmp_type_ff", [IN1, E, et(0x0800), ipv4(proto=1), k("ICMP", "hex", "ffff")])
case("arp_mask_op_hi", [IN1, E, et(0x0806), ARP], [INM, EM, ETM, k("ARP", "hex", "00000000_00000000_ff00_000000000000_000000000000_0000")])
case("mpls_mask_5bytes", [IN1, E, et(0x8847), k("MPLS", "hex", "00001140")], [INM, EM, ETM, k("MPLS", "hex", "ffffffff00")])
case("nsh_mask_md2", [IN1, E, et(0x894f), n("NSH", NSHB, NSHMD1)],
     [INM, EM, ETM, n("NSH", "OVS_NSH_KEY_ATTR_MD2:hex:ffffffff")])
case("nsh_mask_md1_only", [IN1, E, et(0x894f), n("NSH", NSHB)],
     [INM, EM, ETM, n("NSH", NSHMD1)])

print("# match.nls - generated by gen_match_nls.py: flow keys and masks, every rule")
print("include ovs.defs")
print("resolve ovs_datapath ovs_vport ovs_flow ovs_packet")
print("req dp_new ovs_datapath OVS_DP_CMD_NEW REQUEST|ACK 2 0 \\\n"
      "    OVS_DP_ATTR_NAME:str:dp0 OVS_DP_ATTR_UPCALL_PID:u32:0 OVS_DP_ATTR_USER_FEATURES:u32:0")
for i, (label, key, mask, raw) in enumerate(cases):
    ktok = "OVS_FLOW_ATTR_KEY{ " + " ".join(key + ([raw] if raw else [])) + " }"
    mtok = "" if mask is None else " OVS_FLOW_ATTR_MASK{ " + " ".join(mask) + " }"
    ufid = f"OVS_FLOW_ATTR_UFID:hex:{i + 1:032x}"
    acts = "OVS_FLOW_ATTR_ACTIONS{ }"
    hdr = "ovs_flow OVS_FLOW_CMD_{} {} 1 @dp0"
    print(f"# {label}")
    print(f"req {label}_u {hdr.format('NEW', 'REQUEST|ACK|ECHO|CREATE')} {acts} {ufid}{mtok} {ktok}")
    print(f"req {label}_x {hdr.format('DEL', 'REQUEST|ACK')}")
    print(f"req {label}_k {hdr.format('NEW', 'REQUEST|ACK|ECHO|CREATE')} {acts}{mtok} {ktok}")
    print(f"req {label}_g {hdr.format('GET', 'REQUEST|ACK')} {ktok}")
    print(f"req {label}_y {hdr.format('DEL', 'REQUEST|ACK')}")
