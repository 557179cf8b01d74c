//! In-process counters, gauges and histograms, rendered in the Prometheus text format at
//! `/metrics`. Pure data: the HTTP adapter renders it, the use cases count into it.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

type Series = (&'static str, Vec<(&'static str, String)>);

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// The service's metrics.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<BTreeMap<Series, u64>>,
    gauges: Mutex<BTreeMap<Series, i64>>,
    histograms: Mutex<BTreeMap<Series, Histogram>>,
}

fn series(name: &'static str, labels: &[(&'static str, &str)]) -> Series {
    (name, labels.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

fn label_text(labels: &[(&'static str, String)], extra: Option<(&str, String)>) -> String {
    let mut parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", v.replace('"', "'"))).collect();
    if let Some((k, v)) = extra {
        parts.push(format!("{k}=\"{v}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

impl Metrics {
    /// Adds one to a counter.
    pub fn incr(&self, name: &'static str, labels: &[(&'static str, &str)]) {
        if let Ok(mut c) = self.counters.lock() {
            *c.entry(series(name, labels)).or_default() += 1;
        }
    }

    /// Sets a gauge.
    pub fn gauge(&self, name: &'static str, value: i64) {
        if let Ok(mut g) = self.gauges.lock() {
            g.insert(series(name, &[]), value);
        }
    }

    /// Records one observation (seconds) in a histogram.
    pub fn observe(&self, name: &'static str, labels: &[(&'static str, &str)], seconds: f64) {
        if let Ok(mut h) = self.histograms.lock() {
            let entry = h.entry(series(name, labels)).or_default();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    entry.counts[i] += 1;
                }
            }
            entry.sum += seconds;
            entry.count += 1;
        }
    }

    /// The value of a counter (for tests and health pages).
    pub fn counter(&self, name: &'static str, labels: &[(&'static str, &str)]) -> u64 {
        self.counters.lock().ok().and_then(|c| c.get(&series(name, labels)).copied()).unwrap_or(0)
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut typed = std::collections::BTreeSet::new();
        let mut header = |out: &mut String, name: &str, kind: &str| {
            if typed.insert(name.to_string()) {
                let _ = writeln!(out, "# TYPE {name} {kind}");
            }
        };
        if let Ok(c) = self.counters.lock() {
            for ((name, labels), v) in c.iter() {
                header(&mut out, name, "counter");
                let _ = writeln!(out, "{name}{} {v}", label_text(labels, None));
            }
        }
        if let Ok(g) = self.gauges.lock() {
            for ((name, labels), v) in g.iter() {
                header(&mut out, name, "gauge");
                let _ = writeln!(out, "{name}{} {v}", label_text(labels, None));
            }
        }
        if let Ok(h) = self.histograms.lock() {
            for ((name, labels), hist) in h.iter() {
                header(&mut out, name, "histogram");
                for (i, bound) in BUCKETS.iter().enumerate() {
                    let le = label_text(labels, Some(("le", bound.to_string())));
                    let _ = writeln!(out, "{name}_bucket{le} {}", hist.counts[i]);
                }
                let inf = label_text(labels, Some(("le", "+Inf".into())));
                let _ = writeln!(out, "{name}_bucket{inf} {}", hist.count);
                let _ = writeln!(out, "{name}_sum{} {}", label_text(labels, None), hist.sum);
                let _ = writeln!(out, "{name}_count{} {}", label_text(labels, None), hist.count);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let m = Metrics::default();
        m.incr("jobs_total", &[("kind", "send_email"), ("outcome", "ok")]);
        m.incr("jobs_total", &[("kind", "send_email"), ("outcome", "ok")]);
        m.gauge("outbox_depth", 3);
        m.observe("http_request_duration_seconds", &[("route", "/health"), ("status", "200")], 0.02);
        let text = m.render();
        assert!(text.contains("# TYPE jobs_total counter\njobs_total{kind=\"send_email\",outcome=\"ok\"} 2\n"));
        assert!(text.contains("outbox_depth 3"));
        assert!(text.contains("http_request_duration_seconds_bucket{route=\"/health\",status=\"200\",le=\"0.01\"} 0"));
        assert!(text.contains("http_request_duration_seconds_bucket{route=\"/health\",status=\"200\",le=\"0.025\"} 1"));
        assert!(text.contains("http_request_duration_seconds_count{route=\"/health\",status=\"200\"} 1"));
        assert_eq!(m.counter("jobs_total", &[("kind", "send_email"), ("outcome", "ok")]), 2);
    }
}
