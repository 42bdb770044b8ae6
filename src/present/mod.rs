//! Board-ready output: the dashboard's charts as data ([`figure`]), drawn to SVG and
//! PNG ([`draw`]), and the self-contained HTML report ([`html`]). Headless: it returns
//! text and bytes and touches no file (`io` writes them; tests/layers.rs checks it).

pub mod calibration;
pub mod compare;
pub mod draw;
pub mod figure;
pub mod html;
pub mod learn;

/// Why a chart or a report could not be produced. Drawing is headless and in memory,
/// so these are failures of the renderer or the templates, not of the user's input.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// The plotting library could not draw a figure.
    #[error("drawing {figure}: {reason}")]
    Figure {
        /// The figure's id.
        figure: String,
        /// The renderer's words.
        reason: String,
    },
    /// The bundled font could not be loaded (PNG output needs it).
    #[error("the bundled font could not be loaded")]
    Font,
    /// The PNG could not be encoded.
    #[error("encoding the image: {0}")]
    Image(String),
    /// The HTML template could not be rendered.
    #[error("writing the report: {0}")]
    Template(#[from] minijinja::Error),
}

/// A page from its minijinja `template` (named `name` in messages) filled with
/// `context`: the report's, the proof of fit's and a test's learning all render so.
pub(crate) fn render<T: serde::Serialize>(name: &str, template: &str, context: T) -> Result<String, DrawError> {
    let mut env = minijinja::Environment::new();
    env.add_template(name, template)?;
    Ok(env.get_template(name)?.render(minijinja::value::Serde(context))?)
}
