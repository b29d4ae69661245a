using ApeiKit.Hest;

namespace ApeiKit.Tests.Hest;

public class HestSnapshotTests
{
    private static string Render(byte[] table, bool layout)
    {
        var w = new StringWriter();
        HestDescriber.Describe(table, 0, layout ? new LayoutRenderer(w) : new TextRenderer(w));
        return w.ToString();
    }

    private static byte[] Qemu => HestPresets.QemuVirtArm().Build(0x7FFF_0000).TableBytes;

    [Fact]
    public void ProLiant_text() => Snapshot.Verify(Render(HestTestData.ProLiant(), layout: false));

    [Fact]
    public void ProLiant_layout() => Snapshot.Verify(Render(HestTestData.ProLiant(), layout: true));

    [Fact]
    public void Qemu_virt_arm_text() => Snapshot.Verify(Render(Qemu, layout: false));

    [Fact]
    public void Qemu_virt_arm_layout() => Snapshot.Verify(Render(Qemu, layout: true));
}
