//! The address a request came from, for the sign-in limits and the logs.
//!
//! By default it is the peer of the TCP connection: a header anyone can write never decides
//! it. Behind a reverse proxy (`--trusted-proxies CIDR[,CIDR]`), a request whose peer is one of
//! those proxies is taken to come from the nearest address in `Forwarded` (RFC 7239) or, failing
//! that, `X-Forwarded-For` that is not itself a trusted proxy, read from the right: the left
//! part of those headers is written by the client and proves nothing.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// Parses `--trusted-proxies`: CIDR blocks or single addresses, comma-separated.
pub fn parse_trusted(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("--trusted-proxies: {s:?} is neither a CIDR block (10.0.0.0/8) nor an address")
                })
        })
        .collect()
}

/// The client's address: `peer` itself unless `peer` is a trusted proxy.
pub fn client(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let chain = forwarded_chain(headers);
    // Nearest first: the first hop that is not one of our proxies is the client.
    chain
        .into_iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .unwrap_or(peer)
}

/// The addresses of the forwarding headers, farthest first: `Forwarded`'s `for=` if the
/// request has that header, else `X-Forwarded-For`. A hop that does not parse ends the chain
/// there (nothing to its left can be trusted).
fn forwarded_chain(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_string())
            .collect()
    };
    let forwarded = values("forwarded");
    let hops: Vec<Option<IpAddr>> = if !forwarded.is_empty() {
        forwarded
            .iter()
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v.trim()))
            })
            .collect()
    } else {
        values("x-forwarded-for")
            .iter()
            .map(|v| parse_node(v))
            .collect()
    };
    // Keep only the unbroken run of parsable hops nearest to us.
    let mut chain: Vec<IpAddr> = Vec::new();
    for hop in hops.into_iter().rev() {
        match hop {
            Some(ip) => chain.push(ip),
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// An address as the headers write it: `1.2.3.4`, `1.2.3.4:5678`, `"[2001:db8::1]:80"`, `::1`.
fn parse_node(raw: &str) -> Option<IpAddr> {
    let s = raw.trim_matches('"');
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    s.rsplit_once(':').and_then(|(host, _)| host.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn headers_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client(ip("198.51.100.1"), &h, &[]), ip("198.51.100.1"));
        let trusted = parse_trusted("10.0.0.0/8").unwrap();
        assert_eq!(client(ip("198.51.100.1"), &h, &trusted), ip("198.51.100.1"));
        assert_eq!(client(ip("10.1.2.3"), &h, &trusted), ip("203.0.113.9"));
    }

    #[test]
    fn a_client_cannot_choose_its_address_by_writing_the_header_itself() {
        let trusted = parse_trusted("10.0.0.1, 10.0.0.2").unwrap();
        // The client wrote 1.1.1.1; our proxies appended the real one and each other.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.1")]);
        assert_eq!(client(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.9"));
        let h = headers(&[(
            "forwarded",
            "for=1.1.1.1, for=\"[2001:db8::7]:4711\";proto=https",
        )]);
        assert_eq!(client(ip("10.0.0.1"), &h, &trusted), ip("2001:db8::7"));
        // Garbage nearest to us: the proxy itself is all we know.
        let h = headers(&[("x-forwarded-for", "203.0.113.9, not-an-ip")]);
        assert_eq!(client(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.1"));
    }

    #[test]
    fn bad_proxy_lists_are_named() {
        assert!(parse_trusted("10.0.0.0/8,::1,192.168.0.0/16").is_ok());
        let e = parse_trusted("10.0.0.0/8,proxy.local").unwrap_err();
        assert!(e.contains("proxy.local"), "{e}");
        assert!(parse_trusted("10.0.0.0/33").is_err());
    }
}
