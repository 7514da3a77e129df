//! The client's address: the TCP peer, or — only when the peer is a proxy we trust
//! (`JIQING_TRUSTED_PROXIES`) — the nearest untrusted address in `X-Forwarded-For`. Anyone can
//! send that header, so believing it from an untrusted peer would let an attacker pick the
//! address that login throttling counts against.
use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::dev::ServiceRequest;
use ipnet::IpNet;

/// Proxies (CIDRs) whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated CIDRs or single addresses, e.g. `10.0.0.0/8, 192.168.1.7`.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{s:?} is not an IP address or CIDR"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The client behind `peer`: the peer itself, unless it is a trusted proxy; then, walking
/// `X-Forwarded-For` from the right (the entry our proxy added), the first address that is not
/// a trusted proxy. A malformed entry ends the walk at the last address we could believe.
pub fn resolve(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let mut client = peer?;
    if !trusted.contains(client) {
        return Some(client);
    }
    for entry in forwarded_for.unwrap_or("").rsplit(',').map(str::trim) {
        let Ok(ip) = entry.parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !trusted.contains(ip) {
            break;
        }
    }
    Some(client)
}

fn from_parts(
    peer: Option<IpAddr>,
    req: &actix_web::dev::RequestHead,
    trusted: &TrustedProxies,
) -> String {
    let xff = req
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    resolve(peer, xff, trusted)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The client address of a request, as text (`unknown` without a peer).
pub fn of(req: &HttpRequest, trusted: &TrustedProxies) -> String {
    from_parts(req.peer_addr().map(|a| a.ip()), req.head(), trusted)
}

/// [`of`] for middleware.
pub fn of_service(req: &ServiceRequest, trusted: &TrustedProxies) -> String {
    from_parts(req.peer_addr().map(|a| a.ip()), req.head(), trusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7").unwrap();
        let xff = Some("1.2.3.4, 5.6.7.8");
        assert_eq!(resolve(ip("8.8.8.8"), xff, &trusted), ip("8.8.8.8"));
        assert_eq!(resolve(ip("10.1.2.3"), xff, &trusted), ip("5.6.7.8"));
        assert_eq!(
            resolve(ip("192.168.1.7"), Some("1.2.3.4, 10.9.9.9"), &trusted),
            ip("1.2.3.4"),
            "a chain of trusted proxies is skipped"
        );
        assert_eq!(resolve(ip("10.1.2.3"), None, &trusted), ip("10.1.2.3"));
        assert_eq!(
            resolve(ip("10.1.2.3"), Some("garbage, 5.6.7.8"), &trusted),
            ip("5.6.7.8")
        );
        assert_eq!(
            resolve(ip("10.1.2.3"), Some("5.6.7.8, garbage"), &trusted),
            ip("10.1.2.3"),
            "a malformed nearest entry is not believed"
        );
        assert!(TrustedProxies::parse("not-an-ip").is_err());
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
    }
}
