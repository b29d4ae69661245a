// [lc-audit D] registration: libcper's readable name, key and message; members from AmpereSection's LibCper lines
using ApeiKit.Cper.Vendors;

namespace ApeiKit.Cper.LibCper;

/// <summary>The Ampere vendor section as a libcper member map.</summary>
internal static class LcAmpere
{
    /// <summary>
    /// Ampere error section (libcper <c>sections/cper-section-ampere.c</c>) over <see cref="AmpereSection"/>'s layout. libcper
    /// refuses a body shorter than its 8-byte <c>EFI_AMPERE_ERROR_DATA</c> (line 15) and prints the three IDs with
    /// <c>add_int</c> (lines 38-40): json-c's 32-bit signed integers, so an Instance ID of 2^31 or more shows as a negative
    /// number; its reader (lines 53-57) stores a negative one as its 32-bit pattern. Bytes after the 8 are not shown.
    /// </summary>
    public static LibCperMap Ampere { get; } = new(AmpereSection.Codec, "Ampere", "Ampere", AmpereSection.LayoutDef, 0, AmpereSection.LibCperMembers())
    { Message = "An Ampere Error occurred" };
}
