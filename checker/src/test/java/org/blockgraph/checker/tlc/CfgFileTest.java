package org.blockgraph.checker.tlc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CfgFileTest {

    @Test
    void readsInvariantsAndPropertiesAcrossLinesAndComments() {
        CfgFile cfg = CfgFile.parse("""
                \\* the small model
                CONSTANTS Nodes = 3 Limit <- MCLimit
                SPECIFICATION FairSpec
                INVARIANTS TypeInv
                           (* not this one: OldInv *) SafeInv
                PROPERTY LiveProp \\* FakeProp
                CHECK_DEADLOCK FALSE
                """);
        assertEquals(List.of("TypeInv", "SafeInv"), cfg.invariants());
        assertEquals(List.of("LiveProp"), cfg.properties());
    }

    @Test
    void repeatedSectionsAccumulate() {
        CfgFile cfg = CfgFile.parse("INVARIANT A\nPROPERTIES P Q\nINVARIANT B\nPROPERTY R\n");
        assertEquals(List.of("A", "B"), cfg.invariants());
        assertEquals(List.of("P", "Q", "R"), cfg.properties());
    }

    @Test
    void noPropertiesIsEmpty() {
        assertEquals(List.of(), CfgFile.parse("INIT Init\nNEXT Next\n").properties());
    }
}
