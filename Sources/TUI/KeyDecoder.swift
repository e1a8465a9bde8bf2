import CNcursesw

/// Translates the codes returned by ncurses' `wget_wch` into `InputEvent`s.
///
/// Kept as pure functions of integers so the mapping is unit-tested without a terminal.
public enum KeyDecoder {
    /// A character returned by `wget_wch` with status `OK` (not a function key).
    public static func decode(character code: UInt32) -> InputEvent? {
        switch code {
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        case 1...26:
            guard let s = Unicode.Scalar(code + 96) else { return nil }
            return .key(.ctrl(Character(s)))
        case 0, 28...31: return nil
        default:
            guard let s = Unicode.Scalar(code) else { return nil }
            return .key(.char(Character(s)))
        }
    }

    /// A function-key code returned by `wget_wch` with status `KEY_CODE_YES`. Resize and mouse
    /// codes need a follow-up query and are handled by the screen; they return nil here.
    public static func decode(keyCode: Int32) -> InputEvent? {
        switch keyCode {
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        case KEY_ENTER: return .key(.enter)
        case KEY_BTAB: return .key(.backTab)
        case cn_key_f(1)...cn_key_f(24): return .key(.function(Int(keyCode - cn_key_f(0))))
        default: return nil
        }
    }

    /// A mouse report (`getmouse`): button state bits and cell position.
    public static func decodeMouse(bstate: UInt, x: Int, y: Int) -> InputEvent? {
        let m = MouseMasks.ncurses
        let button: MouseButton
        if bstate & m.scrollUp != 0 { button = .scrollUp }
        else if bstate & m.scrollDown != 0 { button = .scrollDown }
        else if bstate & m.left != 0 { button = .left }
        else if bstate & m.middle != 0 { button = .middle }
        else if bstate & m.right != 0 { button = .right }
        else { return nil }
        return .mouse(MouseEvent(button: button, x: x, y: y))
    }
}

/// The ncurses `BUTTONn_*` bit masks (macros in curses.h, wrapped in the C shim).
public struct MouseMasks: Sendable {
    public let left: UInt, middle: UInt, right: UInt, scrollUp: UInt, scrollDown: UInt

    /// Press or click of each button; wheel steps are reported as button 4/5 presses.
    public static let ncurses = MouseMasks(
        left: UInt(cn_button1_events()), middle: UInt(cn_button2_events()),
        right: UInt(cn_button3_events()), scrollUp: UInt(cn_button4_pressed()),
        scrollDown: UInt(cn_button5_pressed()))
}
