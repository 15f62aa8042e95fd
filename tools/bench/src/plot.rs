//! SVG plots (plotters' SVG backend: no system fonts needed).

use anyhow::{anyhow, Result};
use plotters::prelude::*;
use std::path::Path;

/// Line colours of successive series.
const COLOURS: [RGBColor; 4] = [RED, BLUE, GREEN, MAGENTA];

/// Writes CDFs (`(latency ns, fraction)` points, one series per label) on a
/// logarithmic time axis in microseconds.
pub fn latency_cdf(path: &Path, title: &str, series: &[(String, Vec<(u64, f64)>)]) -> Result<()> {
    let to_us = |ns: u64| (ns.max(1) as f64) / 1e3;
    let max = series
        .iter()
        .flat_map(|(_, s)| s.iter().map(|p| to_us(p.0)))
        .fold(1.0f64, f64::max);
    let min = series
        .iter()
        .flat_map(|(_, s)| s.iter().map(|p| to_us(p.0)))
        .fold(max, f64::min)
        .max(0.1);
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    let e = |e: DrawingAreaErrorKind<_>| anyhow!("plot: {e:?}");
    root.fill(&WHITE).map_err(e)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d((min * 0.9..max * 1.1).log_scale(), 0.0f64..1.0)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("latency (µs, log)")
        .y_desc("fraction of flow requests ≤ x")
        .draw()
        .map_err(e)?;
    for (i, (label, pts)) in series.iter().enumerate() {
        let c = COLOURS[i % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|&(ns, q)| (to_us(ns), q)),
                c.stroke_width(2),
            ))
            .map_err(e)?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}
