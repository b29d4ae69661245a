using ApeiKit.Hest;
using ApeiKit.Platform;

namespace ApeiKit.Tests.Platform;

/// <summary>
/// ERST MOVE_DATA (ACPI 6.5 Table 18.25, instruction 0x12) moves VAR2 bytes. The interpreter moves at most 1 MiB (the
/// largest ERST record size a scenario may give); a longer move used to be cut there without a word (the record's tail
/// silently not copied) and is now the action's failure, saying how long the move was.
/// </summary>
public class MoveDataLimitTests
{
    private const ulong Var2Register = 0x1000, OffsetRegister = 0x2000, SourceRegister = 0x3000, DestinationRegister = 0x3008;
    private const ulong Source = 0x10_0000, Destination = 0x40_0000;

    private static int Move(ulong length, out ActionInterpreter interpreter, out SparseMemory memory)
    {
        memory = new SparseMemory("host");
        memory.Write(Var2Register, BitConverter.GetBytes(length));
        memory.Write(OffsetRegister, BitConverter.GetBytes(0UL));
        memory.Write(SourceRegister, BitConverter.GetBytes(Source));
        memory.Write(DestinationRegister, BitConverter.GetBytes(Destination));
        memory.Write(Source, BitConverter.GetBytes(0x1122_3344_5566_7788UL));
        memory.Write(Source + length - 1, [0xAB]);
        var memoryRegister = (ulong a) => new GenericAddress(0, 64, 0, 4, a);
        InstructionEntry[] entries =
        [
            new(0x00, 0x10, 0, 0, memoryRegister(SourceRegister), 0, ulong.MaxValue), // SET_SRC_ADDRESS_BASE
            new(0x00, 0x11, 0, 0, memoryRegister(DestinationRegister), 0, ulong.MaxValue), // SET_DST_ADDRESS_BASE
            new(0x00, 0x06, 0, 0, memoryRegister(Var2Register), 0, ulong.MaxValue), // LOAD_VAR2
            new(0x00, 0x12, 0, 0, memoryRegister(OffsetRegister), 0, ulong.MaxValue), // MOVE_DATA
        ];
        interpreter = new ActionInterpreter(ActionTableKind.Erst, entries, new RegisterBus(memory));
        return interpreter.Run(0x00);
    }

    [Fact]
    public void A_move_of_at_most_the_limit_moves_every_byte()
    {
        Assert.Equal(0, Move(ActionInterpreter.MaxMoveDataLength, out _, out var memory));
        Assert.Equal(BitConverter.GetBytes(0x1122_3344_5566_7788UL), memory.Read(Destination, 8));
        Assert.Equal(0xAB, memory.Read(Destination + ActionInterpreter.MaxMoveDataLength - 1, 1)[0]);
    }

    [Fact]
    public void A_longer_move_fails_saying_so_instead_of_moving_part_of_it()
    {
        ulong length = ActionInterpreter.MaxMoveDataLength + 1;
        Assert.Equal(Errno.EINVAL, Move(length, out var interpreter, out var memory));
        Assert.Equal(new byte[8], memory.Read(Destination, 8)); // nothing moved (it used to move the first 1 MiB)
        Assert.Equal($"MOVE_DATA of {length} bytes (VAR2): more than 1048576 (the most the simulator moves, the largest ERST record size)", interpreter.LastError);
    }
}
