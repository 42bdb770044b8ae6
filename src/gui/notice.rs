//! Messages for the user, with their kind stated (never guessed from their text).

/// How a message reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something done ("Saved shop.toml").
    Info,
    /// Something to know (a cancelled run, partial results).
    Warning,
    /// Something failed.
    Error,
}

/// A message shown above the dashboard until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its kind.
    pub level: Level,
    /// The text (may span lines).
    pub text: String,
    /// It is about the latest run (cancelled, failed, reproduces a presenter file's
    /// results): the next run takes it away.
    pub about_run: bool,
}

impl Notice {
    /// Something done.
    pub fn info(text: impl Into<String>) -> Self {
        Self { level: Level::Info, text: text.into(), about_run: false }
    }

    /// Something to know.
    pub fn warning(text: impl Into<String>) -> Self {
        Self { level: Level::Warning, text: text.into(), about_run: false }
    }

    /// Something failed.
    pub fn error(text: impl Into<String>) -> Self {
        Self { level: Level::Error, text: text.into(), about_run: false }
    }

    /// The same message, about the latest run.
    pub fn of_run(self) -> Self {
        Self { about_run: true, ..self }
    }

    /// The heading shown with it.
    pub fn heading(&self) -> &'static str {
        match self.level {
            Level::Info => "Done",
            Level::Warning => "Note",
            Level::Error => "Problem",
        }
    }
}
