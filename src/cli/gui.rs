//! `aovlab gui`: open the desktop app (the app itself lives in `crate::gui`).

use std::path::PathBuf;

use super::Failure;

/// Arguments of `aovlab gui`. There is no `Default`: a derived one would open a 0 x 0
/// window; [`GuiArgs::plain`] gives the command line's defaults.
#[derive(Debug, clap::Args)]
pub struct GuiArgs {
    /// Scenario file to open; the embedded article scenario when omitted.
    pub file: Option<PathBuf>,
    /// Run, wait for the first complete results, save a PNG of the window here, exit.
    #[arg(long, value_name = "PATH")]
    pub screenshot: Option<PathBuf>,
    /// Window size as WIDTHxHEIGHT (logical points).
    #[arg(long, default_value = "1600x1000", value_parser = parse_size)]
    pub size: (f32, f32),
    /// Theme for this session: light or dark (default: the saved preference).
    #[arg(long, value_parser = ["light", "dark"])]
    pub theme: Option<String>,
    /// Editor page to show: store, catalog, segments, tiers, strategies.
    #[arg(long, value_parser = page)]
    pub page: Option<crate::gui::Page>,
    /// Tab to show beside the editor: results, sweep (what if), sensitivity, optimize,
    /// plan (the holdout plan), claims (what would it take), compare or import. The analysis tabs run their
    /// default analysis once the results are in; a screenshot waits for it.
    #[arg(long, value_parser = view)]
    pub view: Option<crate::gui::analysis::View>,
    /// Renderer: glow (OpenGL; the default, and much faster where the GPU is
    /// emulated in software) or wgpu (Vulkan, Metal, DirectX or OpenGL; in release
    /// packages, which are built with the `wgpu` feature). When the default cannot
    /// start, such a build falls back to wgpu.
    #[arg(long, value_parser = ["glow", "wgpu"])]
    pub renderer: Option<String>,
    /// Zoom on top of the desktop's scale for this session, e.g. 1.5.
    #[arg(long, value_parser = parse_zoom)]
    pub zoom: Option<f32>,
    /// Open in presentation mode (F11) at slide SLIDE: 1 is the summary, then one per
    /// chart.
    #[arg(long, value_name = "SLIDE", value_parser = clap::value_parser!(u16).range(1..=99))]
    pub present: Option<u16>,
    /// Open the Compare tab against this scenario file.
    #[arg(long, value_name = "FILE")]
    pub compare: Option<std::path::PathBuf>,
    /// Open the Import tab on this CSV (a product export or an order history).
    #[arg(long, value_name = "CSV")]
    pub import: Option<std::path::PathBuf>,
    /// Open the Holdout plan tab and learn from this finished test's results (CSV).
    #[arg(long, value_name = "CSV")]
    pub learn: Option<std::path::PathBuf>,
}

impl GuiArgs {
    /// The arguments of a plain `aovlab gui` (what `aovlab` with no command opens).
    pub fn plain() -> Result<Self, clap::Error> {
        use clap::{Args, FromArgMatches};
        let matches = Self::augment_args(clap::Command::new("gui")).try_get_matches_from(["gui"])?;
        Self::from_arg_matches(&matches)
    }
}

/// The editor page named (case ignored), or the pages there are.
fn page(s: &str) -> Result<crate::gui::Page, String> {
    use crate::gui::Page;
    Page::from_name(s).ok_or_else(|| {
        let names: Vec<String> = Page::ALL.iter().map(|p| p.label().to_lowercase()).collect();
        format!("`{}` is not a page: use {}", crate::format::excerpt(s, 30), names.join(", "))
    })
}

/// The tab named (any of its names), or the tabs there are.
fn view(s: &str) -> Result<crate::gui::analysis::View, String> {
    use crate::gui::analysis::View;
    View::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = View::ALL.iter().map(|v| v.names()[0]).collect();
        format!("`{}` is not a tab: use {}", crate::format::excerpt(s, 30), names.join(", "))
    })
}

fn parse_size(s: &str) -> Result<(f32, f32), String> {
    let (w, h) = s.split_once('x').ok_or("expected WIDTHxHEIGHT, e.g. 1600x1000")?;
    let w: f32 = w.trim().parse().map_err(|_| format!("bad width `{w}`"))?;
    let h: f32 = h.trim().parse().map_err(|_| format!("bad height `{h}`"))?;
    if (320.0..=8000.0).contains(&w) && (240.0..=8000.0).contains(&h) {
        Ok((w, h))
    } else {
        Err("width must be 320-8000 and height 240-8000".into())
    }
}

fn parse_zoom(s: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(z) if (0.5..=3.0).contains(&z) => Ok(z),
        _ => Err(format!("`{s}` is not allowed: use a zoom from 0.5 to 3")),
    }
}

/// Opens the app.
pub fn gui(a: &GuiArgs) -> Result<(), Failure> {
    if a.renderer.as_deref() == Some("wgpu") && !cfg!(feature = "wgpu") {
        return Err(Failure::BadInput(
            "--renderer wgpu: this build has no wgpu renderer (built without the `wgpu` feature; release \
             packages have it); use --renderer glow"
                .into(),
        ));
    }
    let opts = crate::gui::Options {
        file: a.file.clone(),
        screenshot: a.screenshot.clone(),
        size: a.size,
        dark: a.theme.as_deref().map(|t| t == "dark"),
        page: a.page.unwrap_or_default(),
        view: a.view.unwrap_or_default(),
        wgpu: a.renderer.as_deref().map(|r| r == "wgpu"),
        zoom: a.zoom,
        present: a.present.map(usize::from),
        compare: a.compare.clone(),
        import: a.import.clone(),
        learn: a.learn.clone(),
    };
    crate::gui::run_app(&opts).map_err(|e| match e {
        crate::gui::AppError::Scenario(s) => Failure::BadInput(s.to_string()),
        crate::gui::AppError::Window(w) => Failure::Internal(anyhow::anyhow!(w)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `aovlab` with no command opens the app with the same window size as `aovlab gui`
    /// (it once opened a 0 x 0 window, which X11 refuses).
    #[test]
    fn plain_arguments_are_the_command_lines_defaults() {
        let a = GuiArgs::plain().expect("the defaults parse");
        assert_eq!(a.size, (1600.0, 1000.0));
        assert!(a.file.is_none() && a.screenshot.is_none() && a.renderer.is_none());
    }
}
