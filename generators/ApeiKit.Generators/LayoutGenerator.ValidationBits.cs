using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ApeiKit.Generators;

// [ValidationBit(bit, name)]: a validation bit that no fixed field of the layout carries, because it says whether a
// variable part after the layout holds meaning (UEFI 2.10 N.2.4.4 Table N-16, bit 3: the ARM section's vendor-specific
// information). It names the bit in the generated validation flag table, so the table is still written in one place.
public sealed partial class LayoutGenerator
{
    private const string ValidationBitAttribute = Attributes.Namespace + ".ValidationBitAttribute";

    private const string ValidationBitSource = Attributes.FileStart + """
    /// <summary>
    /// Names a validation bit of a <see cref="LayoutAttribute"/> layout that no field of the layout carries (it validates
    /// a variable part after the layout), so the generated validation flag table names it.
    /// </summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [global::Microsoft.CodeAnalysis.Embedded]
    internal sealed class ValidationBitAttribute : global::System.Attribute
    {
        /// <summary>A validation bit.</summary>
        /// <param name="bit">Bit of the validation field.</param>
        /// <param name="name">Its name (the JSON name of what it validates).</param>
        public ValidationBitAttribute(int bit, string name) { Bit = bit; Name = name; }
        /// <summary>Bit of the validation field.</summary>
        public int Bit { get; }
        /// <summary>Name.</summary>
        public string Name { get; }
    }
}
""";

    private static void ReadValidationBits(INamedTypeSymbol type, string layoutName, Location? attrLocation, SortedDictionary<int, string> bitNames,
        List<Diag> diags, System.Threading.CancellationToken ct)
    {
        foreach (var a in type.GetAttributes())
        {
            if (a.AttributeClass?.ToDisplayString() != ValidationBitAttribute) continue;
            int bit = a.ConstructorArguments[0].Value is int b ? b : -1;
            string n = Str(a.ConstructorArguments[1]) ?? "";
            var location = a.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? attrLocation;
            if (bit < 0 || bit > 63 || n.Length == 0)
                diags.Add(new Diag(Unsupported, location, $"[ValidationBit({I(bit)}, \"{n}\")] of '{type.Name}' needs a bit 0-63 and a name"));
            else if (bitNames.TryGetValue(bit, out var had) && had != n)
                diags.Add(new Diag(BitNamedTwice, location, I(bit), layoutName, had, n));
            else bitNames[bit] = n;
        }
    }
}

// The span a generated view's TryRead takes is named as the decode contract says (docs/DESIGN.md "Decode contract"):
// `body` for a CPER section body, `source` for a structure inside one (ARM error-information and context structures).
public sealed partial class LayoutGenerator
{
    private static bool IsSectionBody(INamedTypeSymbol type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
            if (t.Name == "CperSectionBody" && t.ContainingNamespace.ToDisplayString() == "ApeiKit.Cper") return true;
        return false;
    }
}
