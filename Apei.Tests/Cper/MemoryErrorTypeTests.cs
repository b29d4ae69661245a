using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// Issue #17: the memory error type as the spec's enumeration (UEFI 2.10 N.2.5, Memory Error Type, values 0-15; N.2.6
/// uses the same values) and the memory sections' validation bits as generated [Flags] enums. The enum's member names
/// and <see cref="MemoryErrorSection.MemoryErrorTypes"/> (the readable names every rendering uses) are one list: each
/// member name is its table spelling in PascalCase, so renaming one without the other fails here.
/// </summary>
public sealed class MemoryErrorTypeTests
{
    [Fact]
    public void The_enum_and_the_name_table_are_the_same_list_of_sixteen_spec_values()
    {
        var table = MemoryErrorSection.MemoryErrorTypes.ToList();
        var values = Enum.GetValues<MemoryErrorType>();
        Assert.Equal(16, table.Count);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (ulong)i), table.Select(kv => kv.Key));
        Assert.Equal(table.Select(kv => kv.Key), values.Select(v => (ulong)v));
        foreach (var (value, spelling) in table)
            Assert.Equal(PascalCase(spelling), ((MemoryErrorType)value).ToString());
    }

    // "single-bit ECC" -> "SingleBitEcc", "multi-symbol ChipKill ECC" -> "MultiSymbolChipKillEcc" (.NET naming: an
    // acronym longer than two letters is written as a word).
    private static string PascalCase(string spelling) => string.Concat(spelling
        .Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries)
        .Select(w => w.Length > 2 && w.All(char.IsUpper) ? w[0] + w[1..].ToLowerInvariant() : char.ToUpperInvariant(w[0]) + w[1..]));

    [Fact]
    public void The_typed_accessors_read_and_write_the_raw_byte_and_its_validation_bit()
    {
        var memory = new MemoryErrorSection { ErrorType = MemoryErrorType.ScrubUncorrectedError };
        Assert.Equal(14, memory.MemoryErrorType);
        Assert.Equal(1UL << 14, memory.ValidationBits); // N.2.5: Memory Error Type is validation bit 14
        Assert.Equal(MemoryErrorValidation.MemoryErrorType, memory.Validation);
        Assert.True(MemoryErrorSectionView.TryRead(memory.ToArray(), out var view));
        Assert.Equal(MemoryErrorType.ScrubUncorrectedError, view.ErrorType);

        var memory2 = new MemoryError2Section { ErrorType = MemoryErrorType.MultiBitEcc };
        Assert.Equal(3, memory2.MemoryErrorType);
        Assert.Equal(1UL << 13, memory2.ValidationBits); // N.2.6: Memory Error Type is validation bit 13
        Assert.True(MemoryError2SectionView.TryRead(memory2.ToArray(), out var view2));
        Assert.Equal(MemoryErrorType.MultiBitEcc, view2.ErrorType);
        Assert.Equal(MemoryError2Validation.MemoryErrorType, view2.Validation);

        // A reserved value still round-trips as its number.
        memory.MemoryErrorType = 200;
        Assert.Equal((MemoryErrorType)200, memory.ErrorType);
        Assert.False(Enum.IsDefined(memory.ErrorType));
    }

    [Fact]
    public void The_validation_enums_carry_the_spec_bit_numbers()
    {
        // UEFI 2.10 Table N-31 (N.2.5) validation bits, and N.2.6's, where the two sections differ.
        Assert.Equal(1UL << 1, (ulong)MemoryErrorValidation.PhysicalAddress);
        Assert.Equal(1UL << 15, (ulong)MemoryErrorValidation.RankNumber);
        Assert.Equal(1UL << 18, (ulong)MemoryErrorValidation.ExtendedRow);
        Assert.Equal(1UL << 19, (ulong)MemoryErrorValidation.BankGroup);
        Assert.Equal(1UL << 20, (ulong)MemoryErrorValidation.BankAddress);
        Assert.Equal(1UL << 21, (ulong)MemoryErrorValidation.ChipIdentification);
        Assert.Equal(1UL << 10, (ulong)MemoryError2Validation.Rank);
        Assert.Equal(1UL << 14, (ulong)MemoryError2Validation.Status);
        Assert.Equal(1UL << 20, (ulong)MemoryError2Validation.BankGroup);
        Assert.Equal(1UL << 21, (ulong)MemoryError2Validation.BankAddress);
        // One member per named bit of the generated validation table, no more.
        Assert.Equal(MemoryErrorSection.LayoutDef.Fields.Single(f => f.Json == "validationBits").FlagNames!.Count(), Enum.GetValues<MemoryErrorValidation>().Length - 1);

        var m = new MemoryErrorSection { PhysicalAddress = 0x1000, Node = 2 };
        Assert.Equal(MemoryErrorValidation.PhysicalAddress | MemoryErrorValidation.Node, m.Validation);
        Assert.True(MemoryErrorSectionView.TryRead(m.ToArray(), out var v) && v.Validation.HasFlag(MemoryErrorValidation.Node));
    }
}
