//! The workspace folders the client opened, each with its own settings
//! and configuration, plus a scope for documents outside every folder.
//! Settings come in layers: a folder's own (`workspace/configuration` with
//! its URI), over the global ones (`workspace/configuration` without a
//! scope, or `workspace/didChangeConfiguration`), over the
//! `initializationOptions`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::{Uri, WorkspaceFolder};

use crate::scope::{Scope, fallback_root};
use crate::settings::ClientSettings;
use crate::uri;

/// One workspace folder.
#[derive(Debug)]
pub(crate) struct Folder {
    pub uri: Uri,
    pub root: PathBuf,
    /// Settings the client gave for this folder alone.
    pub settings: ClientSettings,
    pub scope: Arc<Scope>,
}

/// Every folder and the settings layers.
#[derive(Debug)]
pub(crate) struct Folders {
    /// In the order the client gave them.
    folders: Vec<Folder>,
    pub initialization: ClientSettings,
    pub global: ClientSettings,
    /// For documents outside every folder.
    fallback: Arc<Scope>,
}

impl Folders {
    pub(crate) fn new(initialization: ClientSettings) -> Folders {
        let root = fallback_root();
        let fallback = Arc::new(Scope::new(&root, initialization.resolve(&root)));
        Folders {
            folders: Vec::new(),
            initialization,
            global: ClientSettings::default(),
            fallback,
        }
    }

    /// Adds a folder (a `file:` URI); returns `false` for any other URI.
    pub(crate) fn add(&mut self, folder: &WorkspaceFolder) -> bool {
        let Some(root) = uri::file_path(&folder.uri) else {
            return false;
        };
        self.remove(&folder.uri);
        let settings = ClientSettings::default();
        let scope = Arc::new(self.scope_of(&root, &settings));
        self.folders.push(Folder {
            uri: folder.uri.clone(),
            root,
            settings,
            scope,
        });
        true
    }

    pub(crate) fn remove(&mut self, uri: &Uri) {
        self.folders.retain(|folder| folder.uri != *uri);
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Folder> {
        self.folders.iter()
    }

    /// Sets the settings of the folder with `uri`, if there is one;
    /// returns whether they changed.
    pub(crate) fn set_folder_settings(&mut self, uri: &Uri, settings: ClientSettings) -> bool {
        match self.folders.iter_mut().find(|folder| folder.uri == *uri) {
            Some(folder) if folder.settings != settings => {
                folder.settings = settings;
                true
            }
            _ => false,
        }
    }

    /// Builds every scope again: settings changed, or a configuration file did.
    pub(crate) fn rebuild(&mut self) {
        let root = fallback_root();
        self.fallback = Arc::new(self.scope_of(&root, &ClientSettings::default()));
        let scopes: Vec<Arc<Scope>> = self
            .folders
            .iter()
            .map(|folder| Arc::new(self.scope_of(&folder.root, &folder.settings)))
            .collect();
        for (folder, scope) in self.folders.iter_mut().zip(scopes) {
            folder.scope = scope;
        }
    }

    fn scope_of(&self, root: &Path, folder_settings: &ClientSettings) -> Scope {
        let settings = folder_settings
            .or(&self.global)
            .or(&self.initialization)
            .resolve(root);
        Scope::new(root, settings)
    }

    /// The scope of the document at `uri`: the innermost folder its path
    /// is in, else (for a document without a path in any folder) the
    /// first folder, else the fallback.
    pub(crate) fn scope_for(&self, uri: &Uri) -> Arc<Scope> {
        let path = uri::any_path(uri);
        let containing = path.as_deref().and_then(|path| {
            self.folders
                .iter()
                .filter(|folder| path.starts_with(&folder.root))
                .max_by_key(|folder| folder.root.as_os_str().len())
        });
        let is_file = uri::file_path(uri).is_some();
        match (containing, self.folders.first()) {
            (Some(folder), _) => Arc::clone(&folder.scope),
            (None, Some(first)) if !is_file => Arc::clone(&first.scope),
            _ => Arc::clone(&self.fallback),
        }
    }

    /// Whether `path` is a configuration file some scope reads: a file
    /// named like one, or the file a `configuration` setting names.
    pub(crate) fn is_configuration(&self, path: &Path) -> bool {
        let named_like_one = path.file_name().is_some_and(|name| {
            wirelint_workspace::CONFIG_FILE_NAMES
                .iter()
                .any(|config| name == *config)
        });
        named_like_one
            || self
                .folders
                .iter()
                .map(|folder| &folder.scope)
                .chain(std::iter::once(&self.fallback))
                .any(|scope| scope.settings.configuration.as_deref() == Some(path))
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::settings::Severity;

    fn folder(path: &str) -> WorkspaceFolder {
        WorkspaceFolder {
            uri: Uri::from_str(&format!("file://{path}")).unwrap(),
            name: path.to_string(),
        }
    }

    fn uri(text: &str) -> Uri {
        Uri::from_str(text).unwrap()
    }

    #[test]
    #[cfg(unix)]
    fn documents_get_the_innermost_folder_and_layered_settings() {
        let mut folders = Folders::new(ClientSettings {
            severity: Some(Severity::Hint),
            ..ClientSettings::default()
        });
        assert!(folders.add(&folder("/nonexistent/ws")));
        assert!(folders.add(&folder("/nonexistent/ws/inner")));
        assert!(!folders.add(&WorkspaceFolder {
            uri: uri("untitled:x"),
            name: "x".into()
        }));
        folders.set_folder_settings(
            &folder("/nonexistent/ws/inner").uri,
            ClientSettings {
                severity: Some(Severity::Error),
                ..ClientSettings::default()
            },
        );
        folders.rebuild();
        let inner = folders.scope_for(&uri("file:///nonexistent/ws/inner/a.py"));
        assert_eq!(inner.settings.severity, Severity::Error);
        let outer = folders.scope_for(&uri("file:///nonexistent/ws/a.py"));
        assert_eq!(outer.settings.severity, Severity::Hint);
        // Unsaved buffers get the first folder; files outside every folder
        // get the fallback.
        let untitled = folders.scope_for(&uri("untitled:Untitled-1"));
        assert!(Arc::ptr_eq(&untitled, &folders.folders[0].scope));
        let elsewhere = folders.scope_for(&uri("file:///elsewhere/a.py"));
        assert!(Arc::ptr_eq(&elsewhere, &folders.fallback));

        folders.global.severity = Some(Severity::Information);
        folders.rebuild();
        let outer = folders.scope_for(&uri("file:///nonexistent/ws/a.py"));
        assert_eq!(outer.settings.severity, Severity::Information);
        folders.remove(&folder("/nonexistent/ws/inner").uri);
        let moved = folders.scope_for(&uri("file:///nonexistent/ws/inner/a.py"));
        assert_eq!(moved.settings.severity, Severity::Information);
    }

    #[test]
    fn configuration_files_are_recognised_by_name() {
        let folders = Folders::new(ClientSettings::default());
        assert!(folders.is_configuration(Path::new("/p/pyproject.toml")));
        assert!(folders.is_configuration(Path::new("/p/.wirelint.toml")));
        assert!(!folders.is_configuration(Path::new("/p/setup.cfg")));
    }
}
