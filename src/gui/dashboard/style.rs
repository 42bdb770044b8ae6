//! One meaning per colour across the dashboard: each strategy has its colour in every
//! chart, the holdout is grey, green adds and red removes. Nothing else is coloured.

use egui::Color32;

/// Strategy colours (no green or red: those mean gain and loss).
const PALETTE: [Color32; 8] = [
    Color32::from_rgb(66, 133, 244), // blue
    Color32::from_rgb(230, 159, 0),  // orange (Okabe-Ito; further from the loss red)
    Color32::from_rgb(156, 92, 204), // purple
    Color32::from_rgb(0, 158, 170),  // teal
    Color32::from_rgb(214, 96, 160), // magenta
    Color32::from_rgb(150, 111, 80), // brown
    Color32::from_rgb(140, 150, 30), // olive
    Color32::from_rgb(90, 110, 150), // slate
];

/// The holdout's colour: neutral grey.
pub const HOLDOUT: Color32 = Color32::from_rgb(140, 140, 140);

/// The colour of strategy `index` (scenario order) among `holdout`'s siblings.
pub fn strategy(index: usize, holdout: usize) -> Color32 {
    if index == holdout {
        return HOLDOUT;
    }
    let k = if index > holdout { index - 1 } else { index };
    PALETTE[k % PALETTE.len()]
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
