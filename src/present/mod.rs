//! Board-ready output: the dashboard's charts as data ([`figure`]), drawn to SVG and
//! PNG ([`draw`]), and the self-contained HTML report ([`html`]). Headless: it returns
//! text and bytes and touches no file (`io` writes them; tests/layers.rs checks it).

pub mod calibration;
pub mod compare;
pub mod draw;
pub mod figure;
pub mod html;
