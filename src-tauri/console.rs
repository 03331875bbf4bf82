//! The terminal a command was typed in. A Windows release build has no console of its own (it
//! would flash one behind the app when started from the menu), so `worktogether status`
//! asks for its parent's console before printing. Elsewhere standard output just works.

/// Prints of the command line reach the terminal it was started from; nothing changes when
/// there is none (started from Explorer).
#[cfg(windows)]
#[allow(unsafe_code)]
pub fn attach_to_terminal() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: AttachConsole takes a plain process id and touches no memory of ours; when it
    // fails (no parent console, or one attached already) the process simply stays as it was.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

#[cfg(not(windows))]
pub fn attach_to_terminal() {}
