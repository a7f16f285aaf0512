//! config.json as Keyward loads it at every start (a file a user may edit, a sync tool may mangle, a newer
//! Keyward may have written): parsed, its version checked, every profile's values checked; whatever the
//! bytes, an error naming the file or a config, never a panic. The file lives in /dev/shm (memory) when
//! there is one, so each run costs a write and a read, not a disk.
#![no_main]
use std::path::PathBuf;
use std::sync::OnceLock;

use keyward_core::config::{ConfigStore, Home};

fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = std::path::Path::new("/dev/shm");
        let base = if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() };
        let dir = base.join(format!("kw-fuzz-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = dir();
    std::fs::write(dir.join("config.json"), data).unwrap();
    let store = ConfigStore::new(Home::new(dir.clone()));
    if let Err(e) = store.load() {
        let said = e.to_string();
        assert!(!said.is_empty());
    }
});
