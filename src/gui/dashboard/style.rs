//! One meaning per colour across the dashboard: each strategy has its colour in every
//! chart, the holdout is grey, green adds and red removes. Nothing else is coloured.

use egui::Color32;

use crate::present::figure;

const fn rgb(c: figure::Rgb) -> Color32 {
    Color32::from_rgb(c[0], c[1], c[2])
}

/// The colour of strategy `index` (scenario order) among `holdout`'s siblings: the
/// chart files' colour (one palette, crate::present::figure).
pub fn strategy(index: usize, holdout: usize) -> Color32 {
    rgb(figure::strategy_colour(index, holdout))
}

/// Gains (a positive step, a lift whose whole P5-P95 range is above zero).
pub fn gain(dark: bool) -> Color32 {
    if dark { Color32::from_rgb(110, 205, 120) } else { Color32::from_rgb(20, 125, 45) }
}

/// Losses.
pub fn loss(dark: bool) -> Color32 {
    if dark { Color32::from_rgb(240, 110, 100) } else { Color32::from_rgb(190, 30, 30) }
}

/// A lighter shade of a colour (the conversion part of a decomposition).
pub fn light(c: Color32) -> Color32 {
    c.gamma_multiply(0.45)
}
