zwgkData("b/0/key","8308e03a53f1029d");
