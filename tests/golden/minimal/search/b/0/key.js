zwgkData("b/0/key","d70b4ef294bfbc68");
