using ApeiKit.Cper;

namespace ApeiKit.Tests.Cper;

/// <summary>
/// The zero-copy memory section view against the editable model (both read through the section's layout, but the
/// model by copying the body and the view in place): for every platform memory section in the fixtures (real WHEA and
/// edk2 captures, libcper's examples), each accessor equals the model's property and each <c>HasX</c> is the validation
/// bit together with the field lying inside the body.
/// </summary>
public sealed class MemoryErrorSectionViewTests
{
    [Fact]
    public void View_accessors_equal_the_model_for_every_memory_section_in_the_fixtures()
    {
        int seen = 0;
        foreach (var (where, bytes) in FixtureSections.OfType(CperGuids.PlatformMemory))
        {
            var body = bytes.AsSpan();
            Assert.True(MemoryErrorSectionView.TryRead(body, out var view), where);
            MemoryErrorSection model;
            try { model = (MemoryErrorSection)MemoryErrorSection.Codec.Decode(body, 0); }
            catch (ApeiContentException) { continue; } // a body the model refuses; the view still reads what is there
            seen++;
            Assert.Equal(model.ValidationBits, view.ValidationBits);
            Assert.Equal(model.PhysicalAddress, view.PhysicalAddress);
            Assert.Equal(model.PhysicalAddressMask, view.PhysicalAddressMask);
            Assert.Equal(model.Node, view.Node);
            Assert.Equal(model.Card, view.Card);
            Assert.Equal(model.Module, view.Module);
            Assert.Equal(model.MemoryErrorType, view.MemoryErrorType);
            Assert.Equal(body.Length >= MemoryErrorSection.Size ? model.ModuleHandle : 0, view.ModuleHandle);
            Assert.Equal((model.ValidationBits & 0x2) != 0, view.HasPhysicalAddress);
            Assert.Equal((model.ValidationBits & (1UL << 17)) != 0 && body.Length >= 80, view.HasModuleHandle);
        }
        Assert.True(seen >= 5, $"expected memory sections in the fixtures, found {seen}");
    }

    [Fact]
    public void A_legacy_73_byte_body_has_no_module_handle_and_a_body_without_validation_bits_is_refused()
    {
        var body = new byte[MemoryErrorSection.LegacySize];
        body[2] = 0x02; // validation bit 17 (module handle) set
        Assert.True(MemoryErrorSectionView.TryRead(body, out var view));
        Assert.False(view.HasModuleHandle);
        Assert.Equal(0, view.ModuleHandle);
        Assert.False(view.IsCurrentLayout);
        Assert.False(MemoryErrorSectionView.TryRead(new byte[7], out _));
    }
}
