using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;

namespace ApeiKit.Generators;

// X.Declared: the declaration's offsets, sizes, validation bits and bit positions as compile-time constants (internal).
// A FieldDef static is a run-time value; a public const that a shipped API keeps (GenericErrorStatus.RevisionOffset,
// BertTable.RegionLengthOffset) or a constant a hot reader slices with can then be written `= X.Declared.RevisionOffset`
// instead of repeating the number, so the number stands in one place: the [Field] line.
public sealed partial class LayoutGenerator
{
    private static string EmitDeclared(INamedTypeSymbol type, string name, int size, string clause, List<Field> fields)
    {
        var sb = new StringBuilder();
        sb.Append("\npartial class ").Append(type.Name).Append("\n{\n");
        sb.Append("    /// <summary>The ").Append(Xml(name)).Append(" declaration (").Append(Xml(clause))
          .Append(") as constants: each field's offset and size, its validation bit, and each bit field's position and width.</summary>\n");
        sb.Append("    internal static partial class Declared\n    {\n");
        sb.Append("        /// <summary>Size of the layout in bytes.</summary>\n");
        sb.Append("        public const int Size = ").Append(I(size)).Append(";\n");
        foreach (var f in fields)
        {
            if (f.IsReserved) continue;
            sb.Append("        /// <summary>Byte offset of <c>").Append(Xml(f.Prop)).Append("</c>.</summary>\n");
            sb.Append("        public const int ").Append(f.Prop).Append("Offset = ").Append(I(f.Offset)).Append(";\n");
            sb.Append("        /// <summary>Size of <c>").Append(Xml(f.Prop)).Append("</c> in bytes.</summary>\n");
            sb.Append("        public const int ").Append(f.Prop).Append("Size = ").Append(I(f.Size)).Append(";\n");
            if (f.ValidBit >= 0)
            {
                sb.Append("        /// <summary>Validation bit of <c>").Append(Xml(f.Prop)).Append("</c>.</summary>\n");
                sb.Append("        public const int ").Append(f.Prop).Append("ValidBit = ").Append(I(f.ValidBit)).Append(";\n");
            }
            foreach (var sub in f.Subs)
            {
                string n = f.Prop + Pascal(sub.Json);
                sb.Append("        /// <summary>First bit of <c>").Append(Xml(f.Prop)).Append('.').Append(Xml(sub.Json)).Append("</c>.</summary>\n");
                sb.Append("        public const int ").Append(n).Append("Bit = ").Append(I(sub.Bit)).Append(";\n");
                sb.Append("        /// <summary>Width of <c>").Append(Xml(f.Prop)).Append('.').Append(Xml(sub.Json)).Append("</c> in bits.</summary>\n");
                sb.Append("        public const int ").Append(n).Append("Width = ").Append(I(sub.Width)).Append(";\n");
                if (sub.ValidBit >= 0)
                {
                    sb.Append("        /// <summary>Validation bit of <c>").Append(Xml(f.Prop)).Append('.').Append(Xml(sub.Json)).Append("</c>.</summary>\n");
                    sb.Append("        public const int ").Append(n).Append("ValidBit = ").Append(I(sub.ValidBit)).Append(";\n");
                }
            }
        }
        sb.Append("    }\n}\n");
        return sb.ToString();
    }
}
