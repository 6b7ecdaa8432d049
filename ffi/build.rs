//! The shared library's SONAME on Linux: `libkaoping.so.<major>`, the name programs linked against
//! it look for at run time. scripts/install-c.sh installs the file as `libkaoping.so.<version>`
//! with the links `libkaoping.so.<major>` (the SONAME) and `libkaoping.so` (for `-lkaoping`).

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libkaoping.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
